package io.tcpkit.server.command;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A set in insertion order that costs nothing while empty and an array while small: most
 * subscribers hold one room or a few, and a {@code LinkedHashSet} costs some 200 bytes for one
 * element, more than the rest of an idle connection's session. Past {@link #SMALL} elements it
 * becomes a {@code LinkedHashSet}, so that a client with 100,000 subscriptions costs O(1) per
 * change. Not thread-safe: it belongs to its connection's thread.
 */
final class SmallSet<T> implements Iterable<T> {
    /** Elements kept in an array, searched linearly; more go to a hash set. */
    static final int SMALL = 8;

    private Object[] small;
    private int size;
    private LinkedHashSet<T> large;

    boolean contains(T element) {
        return large != null ? large.contains(element) : indexOf(element) >= 0;
    }

    /** True if it was not there. */
    boolean add(T element) {
        if (large != null) {
            return large.add(element);
        }
        if (indexOf(element) >= 0) {
            return false;
        }
        if (size == SMALL) {
            large = new LinkedHashSet<>();
            for (int i = 0; i < size; i++) {
                large.add(at(i));
            }
            small = null;
            size = 0;
            return large.add(element);
        }
        if (small == null) {
            small = new Object[1];
        } else if (size == small.length) {
            small = Arrays.copyOf(small, Math.min(SMALL, Math.max(2, size * 2)));
        }
        small[size++] = element;
        return true;
    }

    /** True if it was there. */
    boolean remove(T element) {
        if (large != null) {
            boolean removed = large.remove(element);
            if (large.isEmpty()) {
                large = null;
            }
            return removed;
        }
        int i = indexOf(element);
        if (i < 0) {
            return false;
        }
        System.arraycopy(small, i + 1, small, i, size - i - 1);
        small[--size] = null;
        if (size == 0) {
            small = null;
        }
        return true;
    }

    int size() {
        return large != null ? large.size() : size;
    }

    void clear() {
        small = null;
        size = 0;
        large = null;
    }

    @Override
    public Iterator<T> iterator() {
        if (large != null) {
            return large.iterator();
        }
        List<T> elements = new java.util.ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            elements.add(at(i));
        }
        return elements.iterator();
    }

    @SuppressWarnings("unchecked")
    private T at(int i) {
        return (T) small[i];
    }

    private int indexOf(T element) {
        for (int i = 0; i < size; i++) {
            if (small[i].equals(element)) {
                return i;
            }
        }
        return -1;
    }
}
