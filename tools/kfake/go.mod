module github.com/dbcarts/dbcarts/tools/kfake

go 1.26.0

// kfake has no tags of its own (a pseudo-version of franz-go's master); franz-go and kmsg are pinned
// above what kfake asks for because daprd's pubsub.kafka (Sarama) was verified against these.
require (
	github.com/twmb/franz-go v1.22.3 // indirect
	github.com/twmb/franz-go/pkg/kfake v0.0.0-20260918054303-01f206a7e32c
	github.com/twmb/franz-go/pkg/kmsg v1.15.1 // indirect
)

require (
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/pierrec/lz4/v4 v4.1.33 // indirect
)
