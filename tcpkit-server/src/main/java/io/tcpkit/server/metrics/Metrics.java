package io.tcpkit.server.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.MemoryBudget;
import io.tcpkit.TcpServer;
import io.tcpkit.server.BuildInfo;
import io.tcpkit.server.command.CommandMetrics;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.session.Session;
import io.tcpkit.server.session.Sessions;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.io.OutputStream;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The program's Prometheus metrics, in one registry of its own (never the client's global default):
 * the listeners' counters, read from {@link TcpServer#stats()} when scraped; connection durations
 * and commands, recorded as they happen; pub/sub traffic through a {@link Hub} that counts; chat
 * members and rooms; the JVM's own metrics with the virtual-thread scheduler; and
 * {@code tcpkit_build_info}. Labels are bounded: service, reason, command name (the service's own
 * commands, the rest as {@code other}); never an address, user, name or room.
 */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final CopyOnWriteArrayList<TcpServer> servers = new CopyOnWriteArrayList<>();
    private final ConnectionDurations durations;
    private final PubSubCounters pubsub;
    private final CommandCounters commands;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public Metrics() {
        new ListenerCollector(servers).register(registry);
        durations = new ConnectionDurations(registry);
        pubsub = new PubSubCounters(registry);
        commands = new CommandCounters(registry);
        JvmMetrics.builder().register(registry);
        VirtualThreadScheduler.register(registry);
        Info buildInfo = Info.builder()
                .name("tcpkit_build_info")
                .help("The tcpkit version and the Java runtime it runs on (always 1).")
                .labelNames("version", "java_version")
                .register(registry);
        buildInfo.setLabelValues(BuildInfo.version(), Runtime.version().toString());
    }

    /** Reads this listener's counters at every scrape from now on. */
    public void listen(TcpServer server) {
        servers.add(server);
    }

    /** Records the duration of each connection of {@code service} when it closes. */
    public ConnectionObserver observer(String service) {
        return durations.observer(service);
    }

    /** The hub as {@code service} uses it, counting what that service publishes and delivers. */
    public Hub countPubSub(Hub hub, String service) {
        return new CountingHub(hub, pubsub.forService(service));
    }

    /** What the command protocol tells of every command it runs. */
    public CommandMetrics commands() {
        return commands;
    }

    /** Chat members (people who have taken a name) and the rooms given, read at every scrape. */
    public void chat(Sessions sessions, RoomCount rooms) {
        GaugeWithCallback.builder()
                .name("tcpkit_chat_members")
                .help("People in the chat (connections that have taken a name).")
                .callback(cb -> cb.call(chatMembers(sessions)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tcpkit_chat_rooms")
                .help("Chat rooms with at least one person in them.")
                .callback(cb -> cb.call(rooms.count()))
                .register(registry);
    }

    /** Pub/sub channels (rooms with a subscriber, people and programs) and pattern subscriptions. */
    public void hub(Hub hub) {
        GaugeWithCallback.builder()
                .name("tcpkit_pubsub_channels")
                .help("Rooms and channels with at least one subscriber (chat members included).")
                .callback(cb -> cb.call(hub.rooms(null).size()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tcpkit_pubsub_patterns")
                .help("Pattern subscriptions (PSUBSCRIBE) in force.")
                .callback(cb -> cb.call(hub.patterns()))
                .register(registry);
    }

    /** The client memory budget: what it holds, its limit, and the connections it evicted. */
    public void memoryBudget(MemoryBudget budget) {
        GaugeWithCallback.builder()
                .name("tcpkit_client_memory_bytes")
                .help("Bytes held for clients (partial requests, output waiting, subscriptions), counted by the budget.")
                .callback(cb -> cb.call(budget.used()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tcpkit_client_memory_limit_bytes")
                .help("The client memory budget (--max-client-memory).")
                .callback(cb -> cb.call(budget.limit()))
                .register(registry);
        CounterWithCallback.builder()
                .name("tcpkit_client_memory_evictions")
                .help("Connections evicted to keep the server inside its client memory budget.")
                .callback(cb -> cb.call(budget.evictions()))
                .register(registry);
    }

    /** How many chat rooms have people in them. */
    @FunctionalInterface
    public interface RoomCount {
        int count();
    }

    private static long chatMembers(Sessions sessions) {
        long n = 0;
        for (Session s : sessions.list()) {
            if (s.service().equals("chat") && !s.name().isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Messages handled so far, by service, for the admin page's rates: commands run for the command
     * protocol, room messages published for the chat. Services without a notion of messages
     * (echo: a byte stream) are absent.
     */
    public Map<String, Long> messages() {
        Map<String, Long> messages = new TreeMap<>();
        MetricSnapshots snapshots = registry.scrape(name -> name.startsWith(CommandCounters.COUNT)
                || name.startsWith(PubSubCounters.PUBLISHED));
        for (MetricSnapshot snapshot : snapshots) {
            CounterSnapshot counter = (CounterSnapshot) snapshot;
            boolean commands = counter.getMetadata().getName().startsWith(CommandCounters.COUNT);
            for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
                String service = commands ? "command" : point.getLabels().get("service");
                if (commands || (service != null && !service.equals("command"))) {
                    messages.merge(service, (long) point.getValue(), Long::sum);
                }
            }
        }
        return messages;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The content type {@link #write} will use for a request with this Accept header. */
    public String contentType(String accept) {
        return writer(accept).getContentType();
    }

    /** Scrapes every metric and writes them in the format the Accept header asks for. */
    public void write(String accept, OutputStream out) throws IOException {
        writer(accept).write(out, registry.scrape());
    }

    private ExpositionFormatWriter writer(String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        // The protobuf format is not on the class path: fall back to text.
        return writer.isAvailable() ? writer : formats.getPrometheusTextFormatWriter();
    }
}
