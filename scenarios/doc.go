// Package scenarios holds the lab's Ginkgo specs: each states one promise
// the whole pipeline keeps — on topics, in the registry, in Connect and
// ksqlDB, on the dashboard — asserted through the real interfaces a
// reviewer would use. The suite starts the stack that LAB_STACK names
// (embedded by default without a Docker engine) and the application's
// components against it.
//
//	go run github.com/onsi/ginkgo/v2/ginkgo ./scenarios
//	go run github.com/onsi/ginkgo/v2/ginkgo -p --label-filter='!slow' ./scenarios
package scenarios
