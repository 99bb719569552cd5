// Command kfake runs franz-go's kfake, an in-memory Kafka-protocol broker written in Go, as a
// process: the Kafka pub/sub profile (components/profiles/pubsub-kafka) talks to it through daprd's
// pubsub.kafka on a machine without a JVM. It listens on 127.0.0.1 only (kfake binds loopback),
// prints "ready <host:port>,..." on stdout once its brokers accept connections, and exits on
// SIGTERM or SIGINT. Nothing is kept on disk: a restart starts empty.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	port := flag.Int("port", 9092, "port of the first broker (0 picks free ports); further brokers take the next ports")
	brokers := flag.Int("brokers", 1, "number of brokers")
	partitions := flag.Int("partitions", 1, "partitions of an auto-created topic")
	autoCreate := flag.Bool("auto-create-topics", true, "create a topic when a client asks for one that does not exist")
	flag.Parse()

	opts := []kfake.Opt{
		kfake.NumBrokers(*brokers),
		kfake.DefaultNumPartitions(*partitions),
		kfake.ClusterID("dbcarts-kfake"),
	}
	if *port != 0 {
		ports := make([]int, *brokers)
		for i := range ports {
			ports[i] = *port + i
		}
		opts = append(opts, kfake.Ports(ports...))
	}
	if *autoCreate {
		opts = append(opts, kfake.AllowAutoTopicCreation())
	}

	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kfake: %v\n", err)
		os.Exit(1)
	}
	addrs := cluster.ListenAddrs()
	// kfake starts each broker's accept loop in a goroutine after NewCluster returns: dial once so
	// "ready" means a client connecting now is served, not merely that the port is bound.
	for _, addr := range addrs {
		if err := dialUntilUp(addr, 5*time.Second); err != nil {
			fmt.Fprintf(os.Stderr, "kfake: broker %s: %v\n", addr, err)
			cluster.Close()
			os.Exit(1)
		}
	}
	fmt.Printf("ready %s\n", strings.Join(addrs, ","))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	cluster.Close()
}

func dialUntilUp(addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
