// daprd for DBcarts: the upstream runtime with the component set we support (components.go).
package main

import "github.com/dapr/dapr/cmd/daprd/app"

func main() {
	app.Run()
}
