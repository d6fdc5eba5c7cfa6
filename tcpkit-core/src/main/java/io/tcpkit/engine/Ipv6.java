package io.tcpkit.engine;

/** IPv6 addresses as people write them (RFC 5952): {@code ::1}, not {@code 0:0:0:0:0:0:0:1}. */
final class Ipv6 {
    private Ipv6() {
    }

    /** Compresses the longest run of two or more zero groups of a full IPv6 literal to "::" (a zone stays). */
    static String compress(String full) {
        int zone = full.indexOf('%');
        String address = zone < 0 ? full : full.substring(0, zone);
        String[] groups = address.split(":", -1);
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (!isZero(groups[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && isZero(groups[j])) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(groups[i].replaceFirst("^0+(?=.)", ""));
        }
        return zone < 0 ? out.toString() : out + full.substring(zone);
    }

    private static boolean isZero(String group) {
        return group.chars().allMatch(c -> c == '0');
    }
}
