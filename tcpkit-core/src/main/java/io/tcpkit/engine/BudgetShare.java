package io.tcpkit.engine;

import io.tcpkit.ConnectionState;
import io.tcpkit.MemoryBudget;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A connection's part of the client {@link MemoryBudget}: what its buffers, queue and service
 * state hold, charged as they grow and given back as they shrink.
 *
 * <p>Most connections never hold more than the budget's {@linkplain MemoryBudget#unchargedBytes
 * uncharged bytes} (a request in the initial buffer, a reply or two): for them this is a short
 * and no account at all. Past that an account is opened, and it is given back once it is empty
 * again before the connection waits without a thread. A superclass of {@link ConnectionImpl}
 * rather than an object of its own: one more object per connection would cost some 16 bytes of
 * the 1.2 KiB an idle one holds.
 *
 * <p>The account and the uncharged bytes are guarded by this object's monitor.
 */
abstract class BudgetShare extends Lifecycle implements MemoryBudget.Evictee {
    /** Its account, once it holds more than the budget's uncharged bytes. */
    private MemoryBudget.Account account;
    /** What it holds while it has no account, at most the budget's uncharged bytes. */
    private short uncharged;

    /** The budget it shares. */
    abstract MemoryBudget budget();

    /** Whether its service saw it open: before that (the prelude) nothing is charged. */
    abstract boolean announced();

    /** The client it is charged to, for the per-address share: the real one, after the prelude. */
    abstract InetAddress client();

    abstract boolean isOpen();

    /**
     * Counts memory held for this connection in the budget (a negative delta returns some);
     * false if the connection was evicted (or has ended): then nothing should be allocated.
     */
    final boolean charge(long delta) {
        if (delta == 0) {
            return true;
        }
        while (true) {
            MemoryBudget.Account a;
            synchronized (this) {
                a = account;
                if (a == null) {
                    long held = uncharged + delta;
                    int free = budget().unchargedBytes();
                    if (held <= free || !announced()) {
                        uncharged = (short) Math.max(0, Math.min(held, free));
                        return delta < 0 || isOpen();
                    }
                    if (state() == ConnectionState.CLOSED) {
                        return false; // ended: an account opened now would never be closed
                    }
                    // Opened only now, and after the prelude, so that the share is the real client's.
                    account = a = budget().open(client(), this);
                    delta = held;
                    uncharged = 0;
                }
            }
            if (a.charge(delta)) {
                return true;
            }
            synchronized (this) {
                if (account == a || state() == ConnectionState.CLOSED) {
                    return false; // evicted, or ended
                }
            }
            // The account was given back empty (releaseAccount) under us: charge afresh.
        }
    }

    /**
     * Charges a buffer's growth before the larger array is allocated; throws if the budget
     * evicted the connection instead, so that the array is never made.
     */
    final void chargeGrowth(long delta) throws IOException {
        if (!charge(delta)) {
            throw new IOException("evicted: client memory budget");
        }
    }

    /**
     * Gives the account back before the connection waits without a thread, if what it still
     * holds fits the allowance again: an idle chat member whose queue once ran past it (the join
     * notices of a busy room) otherwise keeps its account, some 50 bytes, for good, since its
     * room's membership keeps the account from ever being empty. What it held becomes uncharged
     * bytes. A charge racing with this finds the account closed and retries.
     */
    final synchronized void releaseAccount() {
        MemoryBudget.Account a = account;
        if (a != null) {
            long held = a.closeIfAtMost(budget().unchargedBytes());
            if (held >= 0) {
                account = null;
                uncharged = (short) held;
            }
        }
    }

    /** The connection ended: whatever it still held goes back to the budget. */
    final void closeAccount() {
        MemoryBudget.Account a;
        synchronized (this) {
            a = account;
        }
        if (a != null) {
            a.close();
        }
    }
}
