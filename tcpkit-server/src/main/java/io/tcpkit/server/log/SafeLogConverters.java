package io.tcpkit.server.log;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.tcpkit.LogText;

/**
 * The program's text logs (logback.xml, {@link LogSetup}) write every message and every exception
 * message through {@link LogText#line}: one line each, whatever a client managed to get into them. Call
 * sites escape client text with {@link LogText#of}; this is the net under them, for messages
 * built where nobody knew a client's bytes were inside (a TLS library quoting the server name a
 * client sent, an exception quoting its input).
 */
public final class SafeLogConverters {
    private SafeLogConverters() {
    }

    /** {@code %msg}, one safe line. */
    public static final class Msg extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return LogText.line(event.getFormattedMessage());
        }
    }

    /** {@code %ex}: stack traces as usual, each exception's message one safe line. */
    public static final class Ex extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            return super.throwableProxyToString(new SafeProxy(tp));
        }
    }

    /** An exception as logback sees it, with its message (and its causes') made safe. */
    private record SafeProxy(IThrowableProxy p) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return p.getMessage() == null ? null : LogText.line(p.getMessage());
        }

        @Override
        public String getClassName() {
            return p.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return p.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return p.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return p.getCause() == null ? null : new SafeProxy(p.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] s = p.getSuppressed();
            if (s == null) {
                return null;
            }
            IThrowableProxy[] safe = new IThrowableProxy[s.length];
            for (int i = 0; i < s.length; i++) {
                safe[i] = new SafeProxy(s[i]);
            }
            return safe;
        }

        @Override
        public boolean isCyclic() {
            return p.isCyclic();
        }
    }
}
