# syntax=docker/dockerfile:1
# tcpkit in a container: built by Maven on a JDK, run from the distribution tarball on a JRE.
#   docker build -t tcpkit .
#   docker run --rm -p 7000-7002:7000-7002 tcpkit
#   docker run --rm -p 7002:7002 -v /srv/tcpkit:/etc/tcpkit:ro tcpkit serve --config /etc/tcpkit/tcpkit.conf --host 0.0.0.0
# Untested in this project's CI, which has no Docker engine (the tarball it installs is tested: .ci/dist).

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
# The tests need redis-server, HAProxy and openssl and run in CI (.ci/run); here only the package.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

FROM eclipse-temurin:21-jre
RUN groupadd --system tcpkit \
    && useradd --system --gid tcpkit --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tcpkit
COPY --from=build /src/tcpkit-dist/target/tcpkit-*.tar.gz /tmp/
RUN tar -xzf /tmp/tcpkit-*.tar.gz -C /opt \
    && mv /opt/tcpkit-* /opt/tcpkit \
    && rm /tmp/tcpkit-*.tar.gz
USER tcpkit
EXPOSE 7000 7001 7002
# bin/tcpkit execs the JVM, which is then PID 1: docker stop's SIGTERM drains and exits 0,
# docker kill --signal HUP reloads.
ENTRYPOINT ["/opt/tcpkit/bin/tcpkit"]
# In a container the listeners must face the container's network: --host 0.0.0.0 (without a users
# file the command port is open to whoever reaches it, and says so in the log).
CMD ["serve", "--config", "/opt/tcpkit/conf/tcpkit.conf", "--host", "0.0.0.0"]
