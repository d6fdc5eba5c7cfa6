// A goroutine-per-connection echo server with a 16 KiB buffer: Go's net as most people use it.
// Usage: go-echo PORT. Loopback only. Built and run by bench/run; not part of tcpkit.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	port := "7000"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "go echo listening on 127.0.0.1:"+port)
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go func(c net.Conn) {
			defer c.Close()
			buf := make([]byte, 16*1024)
			for {
				n, err := c.Read(buf)
				if n > 0 {
					if _, werr := c.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}(c)
	}
}
