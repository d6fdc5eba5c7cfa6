package io.tcpkit.server.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Converters for numbers with a range, so that a value out of range is picocli's error for the
 * option that was given ("Invalid value for option '--max-connections': ...") rather than the
 * library's complaint about a field name, after the program has begun to start.
 */
final class Bounded {
    private Bounded() {
    }

    /** A whole number, or picocli's error for the option that was given. */
    static int integer(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }

    /** A count or size that must be at least 1. */
    static final class AtLeastOne implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 1) {
                throw new TypeConversionException("must be 1 or more, not " + n);
            }
            return n;
        }
    }

    /** A count that may be 0 (usually "none" or "automatic"). */
    static final class NotNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 0) {
                throw new TypeConversionException("must be 0 or more, not " + n);
            }
            return n;
        }
    }

    /** A TCP port to listen on; 0 picks a free one. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value);
            if (n < 0 || n > 65535) {
                throw new TypeConversionException("a port is 0 to 65535 (0 picks a free one), not " + n);
            }
            return n;
        }
    }

    /** A rate per second that may be 0 (no limit, or closed loop). */
    static final class NotNegativeRate implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d;
            try {
                d = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number");
            }
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new TypeConversionException("must be 0 or more, not " + value.trim());
            }
            return d;
        }
    }

    /** A duration that must be more than zero (a timeout that cannot be turned off). */
    static final class PositiveDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = new DurationConverter().convert(value);
            if (d.isZero()) {
                throw new TypeConversionException("must be more than 0");
            }
            return d;
        }
    }
}
