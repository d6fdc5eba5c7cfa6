package io.tcpkit.server.session;

import java.util.ArrayList;
import java.util.List;

/**
 * The sessions by id, in one array with open addressing (linear probing, at most half full): one
 * reference per session and a half, where a {@code ConcurrentHashMap} entry costs some 45 bytes.
 * Every session is an idle connection's, mostly, and those cost us a little over 1 KiB each in
 * all, so the entry shows. Lookups by id (CLIENT KILL ID, the admin views, the close log line)
 * stay O(1). Thread-safe: each method holds its monitor.
 */
final class SessionTable {
    private static final int INITIAL_SLOTS = 64;

    private Session[] slots = new Session[INITIAL_SLOTS];
    private int size;

    synchronized void put(Session session) {
        if ((size + 1) * 2 > slots.length) {
            resize(slots.length * 2);
        }
        insert(slots, session);
        size++;
    }

    synchronized Session get(long id) {
        Session[] t = slots;
        for (int i = slot(id, t.length); t[i] != null; i = (i + 1) & (t.length - 1)) {
            if (t[i].id() == id) {
                return t[i];
            }
        }
        return null;
    }

    /** Removes this very session; false if it is not there. */
    synchronized boolean remove(Session session) {
        Session[] t = slots;
        int mask = t.length - 1;
        int i = slot(session.id(), t.length);
        while (t[i] != session) {
            if (t[i] == null) {
                return false;
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: move later members of the run into the gap when their home
        // slot allows, so that a lookup never stops early at the hole.
        int gap = i;
        for (int j = (gap + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = slot(t[j].id(), t.length);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                t[gap] = t[j];
                gap = j;
            }
        }
        t[gap] = null;
        size--;
        if (slots.length > INITIAL_SLOTS && size * 8 < slots.length) {
            resize(slots.length / 2);
        }
        return true;
    }

    synchronized int size() {
        return size;
    }

    synchronized List<Session> all() {
        List<Session> all = new ArrayList<>(size);
        for (Session s : slots) {
            if (s != null) {
                all.add(s);
            }
        }
        return all;
    }

    private void resize(int length) {
        Session[] bigger = new Session[length];
        for (Session s : slots) {
            if (s != null) {
                insert(bigger, s);
            }
        }
        slots = bigger;
    }

    private static void insert(Session[] t, Session session) {
        int i = slot(session.id(), t.length);
        while (t[i] != null) {
            i = (i + 1) & (t.length - 1);
        }
        t[i] = session;
    }

    /** Ids are sequential: a multiplicative hash spreads runs of them over the table. */
    private static int slot(long id, int length) {
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & (length - 1);
    }
}
