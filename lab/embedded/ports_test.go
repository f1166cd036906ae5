package embedded_test

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

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

	// Linux hands out source ports of outgoing connections, and port 0
	// listens, from net.ipv4.ip_local_port_range (32768-60999 unless
	// changed; https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html):
	// a lab listening in that range can find its port taken by another
	// program's connection between the check and the listen.
	It("keeps every shifted port below the range the kernel picks ephemeral ports from", func() {
		low := 32768
		if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
			low, err = strconv.Atoi(strings.Fields(string(b))[0])
			Expect(err).NotTo(HaveOccurred())
		}
		for range 100 {
			n, err := embedded.FreeOffset()
			Expect(err).NotTo(HaveOccurred())
			for _, p := range embedded.StandardPorts.Shifted(n).List() {
				Expect(p).To(BeNumerically("<", low), "port %d of offset %d", p, n)
			}
		}
	})
})
