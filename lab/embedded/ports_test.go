package embedded_test

import (
	"fmt"
	"net"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/lab/embedded"
)

var _ = Describe("Ports", func() {
	It("shifts every standard port by the offset, in the documented order", func() {
		Expect(embedded.StandardPorts.Shifted(100).List()).To(Equal([]int{9192, 8181, 8182, 8183, 8188, 5532}))
	})

	It("finds an offset at which every standard port is free to listen on", func() {
		n, err := embedded.FreeOffset()
		Expect(err).NotTo(HaveOccurred())
		Expect(n % 10).To(BeZero())
		for _, p := range embedded.StandardPorts.Shifted(n).List() {
			ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			Expect(err).NotTo(HaveOccurred(), "port %d of offset %d is free", p, n)
			ln.Close()
		}
	})
})
