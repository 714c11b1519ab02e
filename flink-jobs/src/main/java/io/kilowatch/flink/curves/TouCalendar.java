package io.kilowatch.flink.curves;

import java.io.Serializable;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tariff's time-of-use calendar: which period (peak, flat, valley, ...) each quarter-hour of
 * the local day belongs to. Written as {@code name=HH:MM-HH:MM,HH:MM-HH:MM;name=...}; a range
 * may wrap midnight ({@code 23:00-07:00}); {@code 24:00} is the end of the day. Every
 * quarter-hour must belong to exactly one period, so energy per period adds up to the day's.
 */
public final class TouCalendar implements Serializable {
    /** A common three-period calendar in China: peak 10–15 and 18–21, valley 23–07, flat otherwise. */
    public static final String DEFAULT = "peak=10:00-15:00,18:00-21:00;flat=07:00-10:00,15:00-18:00,21:00-23:00;valley=23:00-07:00";

    private static final int QUARTERS = 96;

    private final String[] names;
    private final byte[] periodOfQuarter = new byte[QUARTERS];

    private TouCalendar(String[] names) {
        this.names = names;
    }

    public static TouCalendar parse(String spec) {
        String[] parts = spec.trim().split(";");
        List<String> names = new ArrayList<>();
        byte[] of = new byte[QUARTERS];
        Arrays.fill(of, (byte) -1);
        for (String part : parts) {
            String[] nameAndRanges = part.split("=", 2);
            if (nameAndRanges.length != 2 || nameAndRanges[0].isBlank()) {
                throw new IllegalArgumentException("time-of-use period must be name=HH:MM-HH:MM[,...]; got '" + part + "'");
            }
            String name = nameAndRanges[0].trim();
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("time-of-use period name must be lower-case letters, digits, _; got '" + name + "'");
            }
            byte index = (byte) names.size();
            names.add(name);
            for (String range : nameAndRanges[1].split(",")) {
                String[] ends = range.trim().split("-");
                if (ends.length != 2) {
                    throw new IllegalArgumentException("range must be HH:MM-HH:MM; got '" + range + "'");
                }
                int from = quarterOf(ends[0]);
                int to = quarterOf(ends[1]);
                for (int q = from; q != to; q = (q + 1) % QUARTERS) {
                    if (of[q] != -1) {
                        throw new IllegalArgumentException("time-of-use periods overlap at " + LocalTime.ofSecondOfDay(q * 900L));
                    }
                    of[q] = index;
                }
            }
        }
        for (int q = 0; q < QUARTERS; q++) {
            if (of[q] == -1) {
                throw new IllegalArgumentException("time-of-use calendar leaves " + LocalTime.ofSecondOfDay(q * 900L) + " in no period");
            }
        }
        TouCalendar c = new TouCalendar(names.toArray(String[]::new));
        System.arraycopy(of, 0, c.periodOfQuarter, 0, QUARTERS);
        return c;
    }

    private static int quarterOf(String hhmm) {
        String[] hm = hhmm.trim().split(":");
        int h = Integer.parseInt(hm[0]);
        int m = Integer.parseInt(hm[1]);
        if (h < 0 || h > 24 || m % 15 != 0 || m < 0 || m > 45 || (h == 24 && m != 0)) {
            throw new IllegalArgumentException("time must be on a quarter-hour between 00:00 and 24:00; got '" + hhmm + "'");
        }
        return (h * 4 + m / 15) % QUARTERS;
    }

    public String[] names() {
        return names.clone();
    }

    public int periods() {
        return names.length;
    }

    /** The period of the quarter-hour that starts at local time {@code t}. */
    public int periodAt(LocalTime t) {
        return periodOfQuarter[(t.getHour() * 4 + t.getMinute() / 15) % QUARTERS];
    }
}
