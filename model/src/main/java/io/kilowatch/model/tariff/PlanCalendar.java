package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which time-of-use period every local quarter-hour of every date belongs to, under one plan
 * version. A date is a critical day, a holiday, a weekend day or a weekday (in that order of
 * precedence; a listed workday is a weekday even on a weekend); the season of its month names
 * the day schedule for each kind of day; a day schedule gives each of the 96 quarter-hours its
 * period. The one definition of a period in the project: bills, hints and the daily KPIs all
 * ask this class.
 *
 * @param periods period names; a period's index is its position
 * @param days day schedules by name: the period index of each quarter-hour 00:00 .. 23:45
 */
public record PlanCalendar(
        List<String> periods,
        Map<String, byte[]> days,
        List<Season> seasons,
        Set<DayOfWeek> weekend,
        Set<LocalDate> holidays,
        Set<LocalDate> workdays,
        Set<Month> criticalMonths,
        Set<LocalDate> criticalDates)
        implements Serializable {

    public static final int QUARTERS = 96;

    public enum DayKind {
        WEEKDAY,
        WEEKEND,
        HOLIDAY,
        CRITICAL
    }

    /** The day schedules of the months in {@code months}, by kind of day (names in {@link #days}). */
    public record Season(Set<Month> months, String weekday, String weekend, String holiday, String critical)
            implements Serializable {
        String scheduleFor(DayKind kind) {
            return switch (kind) {
                case WEEKDAY -> weekday;
                case WEEKEND -> weekend;
                case HOLIDAY -> holiday;
                case CRITICAL -> critical;
            };
        }
    }

    public PlanCalendar {
        periods = List.copyOf(periods);
        days = Map.copyOf(days);
        seasons = List.copyOf(seasons);
        weekend = Set.copyOf(weekend);
        holidays = Set.copyOf(holidays);
        workdays = Set.copyOf(workdays);
        criticalMonths = Set.copyOf(criticalMonths);
        criticalDates = Set.copyOf(criticalDates);
    }

    /** One period all day, every day: a plan without time of use. */
    public static PlanCalendar single(String period) {
        byte[] all = new byte[QUARTERS];
        return new PlanCalendar(
                List.of(period),
                Map.of("all", all),
                List.of(new Season(Set.of(Month.values()), "all", "all", "all", "all")),
                Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of());
    }

    public DayKind dayKind(LocalDate d) {
        if (criticalDates.contains(d) || criticalMonths.contains(d.getMonth())) {
            return DayKind.CRITICAL;
        }
        if (holidays.contains(d)) {
            return DayKind.HOLIDAY;
        }
        if (weekend.contains(d.getDayOfWeek()) && !workdays.contains(d)) {
            return DayKind.WEEKEND;
        }
        return DayKind.WEEKDAY;
    }

    /** The period index of each quarter-hour of local date {@code d}. */
    public byte[] scheduleOf(LocalDate d) {
        Season s = seasonOf(d.getMonth());
        return days.get(s.scheduleFor(dayKind(d)));
    }

    /** The period index of the quarter-hour of local date {@code d} that starts at local time {@code t}. */
    public int periodAt(LocalDate d, LocalTime t) {
        return scheduleOf(d)[quarterOf(t)];
    }

    public String periodName(int index) {
        return periods.get(index);
    }

    public int periodIndex(String name) {
        return periods.indexOf(name);
    }

    public static int quarterOf(LocalTime t) {
        return t.getHour() * 4 + t.getMinute() / 15;
    }

    Season seasonOf(Month m) {
        for (int i = 0; i < seasons.size(); i++) { // by index: asked for every interval, no iterator each time
            Season s = seasons.get(i);
            if (s.months().contains(m)) {
                return s;
            }
        }
        throw new IllegalStateException("no season holds " + m + " (validated when the calendar was read)");
    }
}
