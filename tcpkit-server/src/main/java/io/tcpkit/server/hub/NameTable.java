package io.tcpkit.server.hub;

/**
 * The names claimed in the rooms and who holds each, unique ignoring ASCII case ({@link Names#key}),
 * in two parallel arrays with open addressing (linear probing, at most half full). Every chat
 * member holds a name, and most members are idle: an entry here costs two references per slot,
 * some 24 bytes, where a {@code ConcurrentHashMap} node and its share of the table cost some 45,
 * and a name with capitals would need a lower-case copy as its key (48 bytes more). The name is
 * kept as it was claimed and compared ignoring case instead. Thread-safe: each method holds the
 * table's monitor (names are claimed and released on joining and leaving, and looked up for a
 * private message: never on the path of a room message).
 */
final class NameTable {
    private static final int INITIAL_SLOTS = 64;

    private String[] names = new String[INITIAL_SLOTS];
    private Subscriber[] holders = new Subscriber[INITIAL_SLOTS];
    private int size;

    /** Takes {@code name} for {@code holder}; false if it (in any case) is taken. */
    synchronized boolean claim(String name, Subscriber holder) {
        if (find(name) >= 0) {
            return false;
        }
        if ((size + 1) * 2 > names.length) {
            resize(names.length * 2);
        }
        insert(names, holders, name, holder);
        size++;
        return true;
    }

    /** Who holds {@code name} (in any case), or null. */
    synchronized Subscriber holder(String name) {
        int i = find(name);
        return i < 0 ? null : holders[i];
    }

    /** Frees {@code name} if {@code holder} holds it. */
    synchronized void release(String name, Subscriber holder) {
        int i = find(name);
        if (i < 0 || holders[i] != holder) {
            return;
        }
        // Backward-shift deletion (as SessionTable): later entries of the run move into the gap
        // when their home slot allows, so that a lookup never stops early at the hole.
        int mask = names.length - 1;
        int gap = i;
        for (int j = (gap + 1) & mask; names[j] != null; j = (j + 1) & mask) {
            int home = slot(names[j], names.length);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                names[gap] = names[j];
                holders[gap] = holders[j];
                gap = j;
            }
        }
        names[gap] = null;
        holders[gap] = null;
        size--;
        if (names.length > INITIAL_SLOTS && size * 8 < names.length) {
            resize(names.length / 2);
        }
    }

    synchronized int size() {
        return size;
    }

    private int find(String name) {
        int mask = names.length - 1;
        for (int i = slot(name, names.length); names[i] != null; i = (i + 1) & mask) {
            if (Names.sameKey(names[i], name)) {
                return i;
            }
        }
        return -1;
    }

    private void resize(int length) {
        String[] n = new String[length];
        Subscriber[] h = new Subscriber[length];
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                insert(n, h, names[i], holders[i]);
            }
        }
        names = n;
        holders = h;
    }

    private static void insert(String[] n, Subscriber[] h, String name, Subscriber holder) {
        int i = slot(name, n.length);
        while (n[i] != null) {
            i = (i + 1) & (n.length - 1);
        }
        n[i] = name;
        h[i] = holder;
    }

    /** The hash of the name's {@link Names#key}, spread over the table. */
    private static int slot(String name, int length) {
        return (int) ((Names.keyHash(name) * 0x9E3779B97F4A7C15L) >>> 40) & (length - 1);
    }
}
