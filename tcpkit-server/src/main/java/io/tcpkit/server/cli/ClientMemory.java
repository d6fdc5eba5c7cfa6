package io.tcpkit.server.cli;

import io.tcpkit.MemoryBudget;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * {@code --max-client-memory}: bytes ({@code 512m}, {@code 2g}, {@code 1048576}) or a share of the
 * JVM's max heap ({@code 40%}), resolved when read so that a percentage follows {@code -Xmx}.
 */
record ClientMemory(long fixedBytes, int heapPercent, String text) implements ITypeConverter<ClientMemory> {
    static final String DEFAULT = MemoryBudget.DEFAULT_HEAP_PERCENT + "%";

    /** The converter picocli instantiates. */
    ClientMemory() {
        this(0, 0, "");
    }

    long bytes() {
        return heapPercent > 0 ? Runtime.getRuntime().maxMemory() / 100 * heapPercent : fixedBytes;
    }

    @Override
    public ClientMemory convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("%")) {
                int p = Integer.parseInt(v.substring(0, v.length() - 1).trim());
                if (p < 1 || p > 100) {
                    throw new TypeConversionException("a percentage of the heap must be 1-100%, not " + value);
                }
                return new ClientMemory(0, p, value.trim());
            }
            long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1;
            };
            long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1).trim());
            if (n < 1 || n > Long.MAX_VALUE / unit) {
                throw new TypeConversionException("must be 1 byte or more, not " + value);
            }
            return new ClientMemory(n * unit, 0, value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size (bytes, 64m, 2g) or a percentage of the heap (40%)");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
