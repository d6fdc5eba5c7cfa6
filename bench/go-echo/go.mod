module tcpkit.io/bench/go-echo

go 1.19
