package io.tcpkit.engine;

import io.tcpkit.AccessRules;
import io.tcpkit.CloseReason;
import io.tcpkit.ConnectionObserver;
import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.proxy.ProxyProtocolConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The deadline slot and the sweep period, with explicit times: no clock, no sleep. */
class DeadlineTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aDeadlineExpiresOnceWhenItsTimeHasComeAndSaysWhy() {
        Deadline d = new Deadline();
        d.arm(1_000, 50, CloseReason.IDLE_TIMEOUT);
        assertThat(d.expire(1_049)).isFalse();
        assertThat(d.expired()).isNull();
        assertThat(d.expire(1_051)).isTrue(); // due at 1,050 (to the nanosecond: 0 means disarmed)
        assertThat(d.expired()).isEqualTo(CloseReason.IDLE_TIMEOUT);
        assertThat(d.expire(2_000)).as("once").isFalse();
    }

    @Test
    void aDisarmedOrUnlimitedWaitNeverExpires() {
        Deadline d = new Deadline();
        assertThat(d.expire(Long.MAX_VALUE)).isFalse();
        d.arm(0, 0, CloseReason.READ_TIMEOUT); // 0: no limit
        assertThat(d.isArmed()).isFalse();
        assertThat(d.expire(Long.MAX_VALUE)).isFalse();
        d.arm(0, 10, CloseReason.READ_TIMEOUT);
        d.disarm();
        assertThat(d.expire(100)).isFalse();
        assertThat(d.expired()).isNull();
    }

    @Test
    void aWaitArmedAgainKeepsItsOwnReasonAndTime() {
        Deadline d = new Deadline();
        d.arm(0, 100, CloseReason.IDLE_TIMEOUT);
        d.disarm();
        d.armAt(500, CloseReason.READ_TIMEOUT);
        assertThat(d.expire(400)).isFalse();
        assertThat(d.expire(501)).isTrue();
        assertThat(d.expired()).isEqualTo(CloseReason.READ_TIMEOUT);
    }

    @Test
    void timesWrapAroundLikeNanoTime() {
        Deadline d = new Deadline();
        d.arm(Long.MAX_VALUE - 10, 20, CloseReason.IDLE_TIMEOUT); // due just past the wrap
        assertThat(d.expire(Long.MAX_VALUE)).isFalse();
        assertThat(d.expire(Long.MIN_VALUE + 10)).isTrue();
    }

    @Test
    void theSweepPeriodIsAQuarterOfTheShortestTimeoutWithinTenMillisecondsAndOneSecond() {
        Limits none = Limits.DEFAULT.withIdleTimeout(Duration.ZERO).withReadTimeout(Duration.ZERO)
                .withWriteTimeout(Duration.ZERO);
        // The 2 s linger after a close is always there: 500 ms.
        assertThat(Deadlines.periodNanos(spec(none, null))).isEqualTo(SECOND / 2);
        assertThat(Deadlines.periodNanos(spec(Limits.DEFAULT, null))).isEqualTo(SECOND / 2);
        assertThat(Deadlines.periodNanos(spec(none.withReadTimeout(Duration.ofMillis(400)), null)))
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(Deadlines.periodNanos(spec(none.withIdleTimeout(Duration.ofMillis(1)), null)))
                .isEqualTo(Deadlines.MIN_PERIOD_NANOS);
        ProxyProtocolConfig proxy = new ProxyProtocolConfig(ProxyProtocolConfig.LOOPBACK, Duration.ofMillis(800));
        assertThat(Deadlines.periodNanos(spec(none, proxy))).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }

    private static Engine.Spec spec(Limits limits, ProxyProtocolConfig proxy) {
        return new Engine.Spec("127.0.0.1", 0, 50, "t", null, conn -> false, null, TcpServer.DEFAULT_QUIET_AFTER,
                limits, Duration.ZERO, reason -> Optional.empty(), AccessRules.OPEN, proxy, null,
                ConnectionObserver.NONE, System::nanoTime);
    }
}
