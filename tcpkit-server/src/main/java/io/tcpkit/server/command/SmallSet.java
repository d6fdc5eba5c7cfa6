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

    /** While it holds one element, that element itself (no array: a subscriber to one room is the common case); else an array. */
    private Object small;
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
        if (size == 0) {
            small = element;
        } else if (size == 1) {
            small = new Object[] {small, element};
        } else {
            Object[] a = (Object[]) small;
            if (size == a.length) {
                small = a = Arrays.copyOf(a, Math.min(SMALL, size * 2));
            }
            a[size] = element;
        }
        size++;
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
        if (size == 1) {
            small = null;
        } else {
            Object[] a = (Object[]) small;
            System.arraycopy(a, i + 1, a, i, size - i - 1);
            a[size - 1] = null;
            if (size == 2) {
                small = a[0]; // one left: back to holding it alone
            }
        }
        size--;
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
        return (T) (size == 1 ? small : ((Object[]) small)[i]);
    }

    private int indexOf(T element) {
        for (int i = 0; i < size; i++) {
            if (at(i).equals(element)) {
                return i;
            }
        }
        return -1;
    }
}
