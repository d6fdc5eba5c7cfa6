package io.tcpkit.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The virtual-thread scheduler's gauges, from {@code jdk.management.VirtualThreadSchedulerMXBean}
 * (JDK 24 and later). The program compiles for Java 21, where the interface does not exist, so it
 * is looked up by name; on an older runtime these gauges are simply absent (logged at debug).
 */
final class VirtualThreadScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualThreadScheduler.class);
    static final String MXBEAN = "jdk.management.VirtualThreadSchedulerMXBean";

    private VirtualThreadScheduler() {
    }

    /** Registers the gauges; false (and nothing registered) when the runtime has no such MXBean. */
    static boolean register(PrometheusRegistry registry) {
        return register(registry, MXBEAN);
    }

    /** As {@link #register(PrometheusRegistry)}, with the MXBean's interface named (a test names one that is not there). */
    static boolean register(PrometheusRegistry registry, String mxbean) {
        Object bean;
        Method parallelism;
        Method poolSize;
        Method mounted;
        Method queued;
        try {
            Class<? extends PlatformManagedObject> type =
                    Class.forName(mxbean).asSubclass(PlatformManagedObject.class);
            bean = ManagementFactory.getPlatformMXBean(type);
            parallelism = type.getMethod("getParallelism");
            poolSize = type.getMethod("getPoolSize");
            mounted = type.getMethod("getMountedVirtualThreadCount");
            queued = type.getMethod("getQueuedVirtualThreadCount");
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalArgumentException e) {
            LOG.debug("no virtual-thread scheduler metrics on Java {}: {}", Runtime.version(), e.toString());
            return false;
        }
        if (bean == null) {
            return false;
        }
        gauge(registry, "jvm_virtual_thread_scheduler_parallelism",
                "Carrier threads the virtual-thread scheduler aims to keep busy.", bean, parallelism);
        gauge(registry, "jvm_virtual_thread_scheduler_carrier_threads",
                "Carrier threads the virtual-thread scheduler has now (busy or idle).", bean, poolSize);
        gauge(registry, "jvm_virtual_threads_mounted",
                "Virtual threads mounted on a carrier thread now (running).", bean, mounted);
        gauge(registry, "jvm_virtual_threads_queued",
                "Virtual threads ready to run and waiting for a carrier thread (an estimate).", bean, queued);
        return true;
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, Object bean, Method getter) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(cb -> cb.call(read(bean, getter)))
                .register(registry);
    }

    private static double read(Object bean, Method getter) {
        try {
            return ((Number) getter.invoke(bean)).doubleValue();
        } catch (IllegalAccessException | InvocationTargetException e) {
            return Double.NaN;
        }
    }
}
