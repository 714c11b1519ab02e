package io.kilowatch.model.tariff;

import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a tariff catalogue (docs/tariffs.md has the schema) and validates it whole: every
 * problem is collected with its line, and {@link TariffCatalogue.Rejected} lists them all, so a
 * half-valid catalogue is never used. A version states what changed: each section it leaves out
 * is carried forward from the version before it; a section set to {@code null} is dropped.
 */
final class CatalogueReader {
    private static final Set<String> TOP =
            Set.of("catalogue", "illustrative", "currency", "notes", "holidays", "plans");
    private static final Set<String> PLAN = Set.of("id", "name", "zone", "notes", "eligibility", "versions");
    private static final Set<String> ELIGIBILITY =
            Set.of("classes", "voltageLevels", "regions", "minCapacityKva", "maxCapacityKva");
    private static final Set<String> VERSION = Set.of(
            "effectiveFrom",
            "periods",
            "calendar",
            "energy",
            "governmentFunds",
            "tiers",
            "basicCharge",
            "powerFactor",
            "reactive",
            "fixedCharges",
            "minimumCharge");
    private static final Set<String> CALENDAR =
            Set.of("weekend", "holidays", "workdays", "days", "seasons", "criticalDays");
    private static final Set<String> SEASON = Set.of("months", "weekday", "weekend", "holiday", "critical");
    private static final Set<String> CRITICAL = Set.of("months", "dates");
    private static final Set<String> ENERGY = Set.of("prices", "components", "multipliers");
    private static final Set<String> COMPONENT = Set.of("name", "price", "timeOfUse");
    private static final Set<String> TIERS = Set.of("basis", "blocks");
    private static final Set<String> BLOCK = Set.of("upToKwh", "increment");
    private static final Set<String> BASIC =
            Set.of("capacityPerKva", "demandPerKw", "contractBand", "excessFactor", "contractFloor");
    private static final Set<String> PF = Set.of("standard", "classes", "appliesFromKva");
    private static final Set<String> REACTIVE = Set.of("pricePerKvarh", "freeKvarhPerKwh");
    private static final Set<String> FIXED = Set.of("name", "perMonth", "perDay");
    private static final Set<String> MINIMUM = Set.of("perMonth");
    private static final int MAX_PROBLEMS = 50;

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Set<LocalDate>> namedHolidays = new HashMap<>();

    private CatalogueReader() {}

    static TariffCatalogue read(byte[] bytes, boolean json) {
        CatalogueReader r = new CatalogueReader();
        SourceNode root = SourceNode.parse(bytes, json, r.problems);
        TariffCatalogue c = root == null ? null : r.catalogue(root);
        if (!r.problems.isEmpty()) {
            r.problems.sort(
                    java.util.Comparator.comparingInt(CatalogueReader::lineOf)); // stable: same line keeps its order
            List<String> shown = r.problems.size() > MAX_PROBLEMS ? r.problems.subList(0, MAX_PROBLEMS) : r.problems;
            throw new TariffCatalogue.Rejected(shown, r.problems.size());
        }
        return c;
    }

    private static int lineOf(String problem) {
        try {
            return Integer.parseInt(problem.substring(5, problem.indexOf(':')));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    // ------------------------------------------------------------------ catalogue and plans

    private TariffCatalogue catalogue(SourceNode root) {
        if (!isMap(root)) {
            return null;
        }
        known(root, TOP);
        String name = string(required(root, "catalogue"));
        boolean illustrative = bool(root.fields.get("illustrative"), false);
        String currency = root.fields.containsKey("currency") ? string(root.fields.get("currency")) : "CNY";
        String notes = optionalString(root.fields.get("notes"));
        SourceNode hol = root.fields.get("holidays");
        if (hol != null && isMap(hol)) {
            for (Map.Entry<String, SourceNode> e : hol.fields.entrySet()) {
                namedHolidays.put(e.getKey(), dates(e.getValue()));
            }
        }
        SourceNode plansNode = required(root, "plans");
        Map<String, TariffPlan> plans = new LinkedHashMap<>();
        Map<String, byte[]> wire = new LinkedHashMap<>();
        if (plansNode != null && isList(plansNode)) {
            if (plansNode.items.isEmpty()) {
                problem(plansNode, "lists no plan");
            }
            for (SourceNode p : plansNode.items) {
                TariffPlan plan = plan(p, name, illustrative, currency);
                if (plan == null) {
                    continue;
                }
                if (plans.containsKey(plan.id())) {
                    problem(p, "plan id " + plan.id() + " appears twice");
                }
                plans.put(plan.id(), plan);
                wire.put(plan.id(), TariffCodec.wireValue(root, p));
            }
        }
        return problems.isEmpty() ? new TariffCatalogue(name, illustrative, currency, notes, plans, wire) : null;
    }

    private TariffPlan plan(SourceNode p, String catalogue, boolean illustrative, String currency) {
        if (!isMap(p)) {
            return null;
        }
        known(p, PLAN);
        String id = string(required(p, "id"));
        if (id != null && !ReadingCodec.isValidId(id)) {
            problem(p.fields.get("id"), "'" + id + "' is not a valid plan id (no control characters, '/', '+' or '#')");
        }
        String name = p.fields.containsKey("name") ? string(p.fields.get("name")) : id;
        ZoneId zone = zone(required(p, "zone"));
        Eligibility eligibility = eligibility(p.fields.get("eligibility"));
        SourceNode vs = required(p, "versions");
        List<PlanVersion> versions = new ArrayList<>();
        if (vs != null && isList(vs)) {
            if (vs.items.isEmpty()) {
                problem(vs, "lists no version");
            }
            PlanVersion previous = null;
            for (SourceNode v : vs.items) {
                PlanVersion version = version(v, previous);
                if (version == null) {
                    return null;
                }
                if (previous != null && !version.effectiveFrom().isAfter(previous.effectiveFrom())) {
                    problem(
                            v.fields.get("effectiveFrom"),
                            "must be after the previous version's " + previous.effectiveFrom());
                }
                versions.add(version);
                previous = version;
            }
        }
        if (id == null || zone == null || eligibility == null || versions.isEmpty()) {
            return null;
        }
        return new TariffPlan(
                id,
                name,
                catalogue,
                illustrative,
                zone,
                currency,
                eligibility,
                versions,
                optionalString(p.fields.get("notes")));
    }

    private Eligibility eligibility(SourceNode e) {
        if (e == null) {
            return new Eligibility(Set.of(), Set.of(), Set.of(), null, null);
        }
        if (!isMap(e)) {
            return null;
        }
        known(e, ELIGIBILITY);
        Set<String> classes = strings(e.fields.get("classes"));
        for (String c : classes) {
            if (!RegistryCsv.CLASSES.contains(c) || c.equals(RegistryEntry.TRANSFORMER_METER)) {
                problem(
                        e.fields.get("classes"),
                        "class '" + c + "' is not a customer class (residential, commercial, industrial, prosumer)");
            }
        }
        BigDecimal min = nonNegative(e.fields.get("minCapacityKva"));
        BigDecimal max = nonNegative(e.fields.get("maxCapacityKva"));
        if (min != null && max != null && min.compareTo(max) >= 0) {
            problem(e.fields.get("maxCapacityKva"), "must be above minCapacityKva");
        }
        return new Eligibility(
                classes, strings(e.fields.get("voltageLevels")), strings(e.fields.get("regions")), min, max);
    }

    // ------------------------------------------------------------------ versions

    private PlanVersion version(SourceNode v, PlanVersion prev) {
        if (!isMap(v)) {
            return null;
        }
        known(v, VERSION);
        LocalDate from = date(required(v, "effectiveFrom"));
        int before = problems.size();

        PlanCalendar calendar;
        List<String> periods;
        if (v.fields.containsKey("periods") || v.fields.containsKey("calendar") || prev == null) {
            periods = v.fields.containsKey("periods") ? stringList(v.fields.get("periods")) : null;
            SourceNode cal = v.fields.get("calendar");
            if (periods == null && prev != null) {
                periods = prev.calendar().periods();
            }
            if (periods == null || periods.isEmpty()) {
                problem(
                        v,
                        "needs periods (the names of its time-of-use periods; one name for a plan without time of use)");
                return null;
            }
            if (!distinct(periods)) {
                problem(v.fields.get("periods"), "names a period twice");
            }
            calendar = cal == null || cal.kind == SourceNode.Kind.NULL ? singleOr(v, periods) : calendar(cal, periods);
        } else {
            calendar = prev.calendar();
            periods = calendar.periods();
        }
        // A bad calendar is reported; the rest of the version is still checked against its period names.
        boolean newPeriods = prev == null || !periods.equals(prev.calendar().periods());
        EnergyPrices energy = v.fields.containsKey("energy")
                ? energy(v.fields.get("energy"), periods)
                : newPeriods
                        ? missing(v, "energy", "its periods changed, so its prices must be stated")
                        : prev.energy();
        Tiers tiers = section(v, "tiers", prev == null ? null : prev.tiers(), this::tiers);
        BasicCharge basic = section(v, "basicCharge", prev == null ? null : prev.basic(), this::basic);
        List<PowerFactorRule> pf =
                section(v, "powerFactor", prev == null ? List.of() : prev.powerFactor(), this::powerFactor);
        ReactiveCharge reactive = section(v, "reactive", prev == null ? null : prev.reactive(), this::reactive);
        List<FixedCharge> fixed = section(v, "fixedCharges", prev == null ? List.of() : prev.fixed(), this::fixed);
        BigDecimal minimum = section(v, "minimumCharge", prev == null ? null : prev.minimumPerMonth(), this::minimum);
        BigDecimal funds =
                section(v, "governmentFunds", prev == null ? null : prev.governmentFundsPerKwh(), this::nonNegative);
        if (pf != null && !pf.isEmpty() && reactive != null) {
            problem(v, "has both powerFactor and reactive: a tariff prices reactive energy one way or the other");
        }
        if (from == null || calendar == null || energy == null || problems.size() > before) {
            return null;
        }
        return new PlanVersion(
                from,
                calendar,
                energy,
                tiers,
                basic,
                pf == null ? List.of() : pf,
                reactive,
                fixed == null ? List.of() : fixed,
                minimum,
                funds);
    }

    private PlanCalendar singleOr(SourceNode v, List<String> periods) {
        if (periods.size() != 1) {
            problem(v, "has " + periods.size() + " periods but no calendar saying when each applies");
            return null;
        }
        return PlanCalendar.single(periods.get(0));
    }

    /** A section of a version: carried forward when absent, dropped when null, read otherwise. */
    private <T> T section(SourceNode v, String name, T previous, Function<SourceNode, T> read) {
        if (!v.fields.containsKey(name)) {
            return previous;
        }
        SourceNode n = v.fields.get(name);
        return n.kind == SourceNode.Kind.NULL ? null : read.apply(n);
    }

    private <T> T missing(SourceNode v, String field, String why) {
        problem(v, "needs " + field + ": " + why);
        return null;
    }

    // ------------------------------------------------------------------ calendar

    private PlanCalendar calendar(SourceNode c, List<String> periods) {
        if (!isMap(c)) {
            return null;
        }
        known(c, CALENDAR);
        Set<DayOfWeek> weekend = c.fields.containsKey("weekend")
                ? weekdays(c.fields.get("weekend"))
                : EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        Set<LocalDate> holidays = holidayRef(c.fields.get("holidays"));
        Set<LocalDate> workdays = c.fields.containsKey("workdays") ? dates(c.fields.get("workdays")) : Set.of();
        Map<String, byte[]> days = new LinkedHashMap<>();
        Set<String> dayNames = new HashSet<>(); // a bad schedule is reported once, not again by every season naming it
        SourceNode d = required(c, "days");
        if (d != null && isMap(d)) {
            dayNames.addAll(d.fields.keySet());
            for (Map.Entry<String, SourceNode> e : d.fields.entrySet()) {
                byte[] schedule = daySchedule(e.getValue(), periods);
                if (schedule != null) {
                    days.put(e.getKey(), schedule);
                }
            }
        }
        Set<Month> criticalMonths = Set.of();
        Set<LocalDate> criticalDates = Set.of();
        SourceNode crit = c.fields.get("criticalDays");
        if (crit != null && isMap(crit)) {
            known(crit, CRITICAL);
            criticalMonths = crit.fields.containsKey("months") ? months(crit.fields.get("months")) : Set.of();
            criticalDates = crit.fields.containsKey("dates") ? dates(crit.fields.get("dates")) : Set.of();
        }
        List<PlanCalendar.Season> seasons = new ArrayList<>();
        Set<Month> covered = EnumSet.noneOf(Month.class);
        SourceNode ss = required(c, "seasons");
        if (ss != null && isList(ss)) {
            for (SourceNode s : ss.items) {
                PlanCalendar.Season season = season(s, dayNames, covered, criticalMonths, criticalDates);
                if (season != null) {
                    seasons.add(season);
                }
            }
            EnumSet<Month> left = EnumSet.allOf(Month.class);
            left.removeAll(covered);
            if (!left.isEmpty()) {
                problem(ss, "no season holds " + left);
            }
        }
        for (LocalDate wd : workdays) {
            if (!weekend.contains(wd.getDayOfWeek())) {
                problem(
                        c.fields.get("workdays"),
                        wd + " is a " + wd.getDayOfWeek() + ", not a weekend day: it needs no workday entry");
            }
        }
        if (days.size() < dayNames.size()) {
            return null;
        }
        return new PlanCalendar(periods, days, seasons, weekend, holidays, workdays, criticalMonths, criticalDates);
    }

    private PlanCalendar.Season season(
            SourceNode s,
            Set<String> days,
            Set<Month> covered,
            Set<Month> criticalMonths,
            Set<LocalDate> criticalDates) {
        if (!isMap(s)) {
            return null;
        }
        known(s, SEASON);
        Set<Month> months = months(required(s, "months"));
        for (Month m : months) {
            if (!covered.add(m)) {
                problem(s.fields.get("months"), m + " is in two seasons");
            }
        }
        String weekday = dayRef(required(s, "weekday"), days);
        String weekend = s.fields.containsKey("weekend") ? dayRef(s.fields.get("weekend"), days) : weekday;
        String holiday = s.fields.containsKey("holiday") ? dayRef(s.fields.get("holiday"), days) : weekend;
        String critical = s.fields.containsKey("critical") ? dayRef(s.fields.get("critical"), days) : null;
        if (critical == null) {
            boolean hasCritical = months.stream().anyMatch(criticalMonths::contains)
                    || criticalDates.stream().anyMatch(d -> months.contains(d.getMonth()));
            if (hasCritical) {
                problem(s, "has critical days but no critical day schedule");
            }
        }
        return new PlanCalendar.Season(months, weekday, weekend, holiday, critical);
    }

    private String dayRef(SourceNode n, Set<String> days) {
        String name = string(n);
        if (name != null && !days.contains(name)) {
            problem(n, "names day schedule '" + name + "', which calendar.days does not define (it has " + days + ")");
            return null;
        }
        return name;
    }

    /** Quarter-hour ranges of each period; every quarter-hour of the day in exactly one. */
    private byte[] daySchedule(SourceNode d, List<String> periods) {
        if (!isMap(d)) {
            return null;
        }
        byte[] of = new byte[PlanCalendar.QUARTERS];
        Arrays.fill(of, (byte) -1);
        boolean ok = true;
        for (Map.Entry<String, SourceNode> e : d.fields.entrySet()) {
            int index = periods.indexOf(e.getKey());
            if (index < 0) {
                problem(e.getValue(), "period '" + e.getKey() + "' is not one of the version's periods " + periods);
                ok = false;
                continue;
            }
            for (String range : stringList(e.getValue())) {
                int[] q = quarterRange(e.getValue(), range);
                if (q == null) {
                    ok = false;
                    continue;
                }
                for (int k = 0; k < q[1]; k++) {
                    int i = (q[0] + k) % PlanCalendar.QUARTERS;
                    if (of[i] != -1) {
                        problem(e.getValue(), range + " overlaps " + periods.get(of[i]) + " at " + hhmm(i));
                        ok = false;
                        break;
                    }
                    of[i] = (byte) index;
                }
            }
        }
        if (!ok) {
            return null;
        }
        for (int i = 0; i < of.length; i++) {
            if (of[i] == -1) {
                problem(d, "leaves " + hhmm(i) + " in no period");
                return null;
            }
        }
        return of;
    }

    /** {first quarter, number of quarters} of a range; it may wrap midnight ({@code 22:00-08:00}). */
    private int[] quarterRange(SourceNode n, String range) {
        String[] ends = range.trim().split("-");
        if (ends.length != 2) {
            problem(n, "'" + range + "' is not a range HH:MM-HH:MM");
            return null;
        }
        int from = quarter(n, ends[0]);
        int to = quarter(n, ends[1]);
        if (from < 0 || to < 0) {
            return null;
        }
        if (from == to || from == PlanCalendar.QUARTERS) {
            problem(n, "'" + range + "' is empty (a whole day is 00:00-24:00)");
            return null;
        }
        int length = from == 0 && to == PlanCalendar.QUARTERS
                ? PlanCalendar.QUARTERS
                : Math.floorMod(to - from, PlanCalendar.QUARTERS);
        return new int[] {from, length};
    }

    private int quarter(SourceNode n, String hhmm) {
        String[] hm = hhmm.trim().split(":");
        try {
            int h = Integer.parseInt(hm[0]);
            int m = hm.length == 2 ? Integer.parseInt(hm[1]) : -1;
            if (hm.length == 2 && h >= 0 && h <= 24 && m >= 0 && m <= 45 && m % 15 == 0 && !(h == 24 && m != 0)) {
                return h * 4 + m / 15;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem(n, "'" + hhmm.trim() + "' is not a quarter-hour between 00:00 and 24:00");
        return -1;
    }

    private static String hhmm(int quarter) {
        return String.format("%02d:%02d", quarter / 4, quarter % 4 * 15);
    }

    private Set<LocalDate> holidayRef(SourceNode n) {
        if (n == null || n.kind == SourceNode.Kind.NULL) {
            return Set.of();
        }
        if (n.kind == SourceNode.Kind.STRING) {
            Set<LocalDate> named = namedHolidays.get(n.text);
            if (named == null) {
                problem(n, "names holiday list '" + n.text + "', which the catalogue's holidays do not define");
                return Set.of();
            }
            return named;
        }
        return dates(n);
    }

    // ------------------------------------------------------------------ prices and charges

    private EnergyPrices energy(SourceNode e, List<String> periods) {
        if (!isMap(e)) {
            return null;
        }
        known(e, ENERGY);
        SourceNode prices = e.fields.get("prices");
        SourceNode components = e.fields.get("components");
        if ((prices == null) == (components == null)) {
            problem(
                    e,
                    "needs either prices (final per period) or components (with multipliers), not "
                            + (prices == null ? "neither" : "both"));
            return null;
        }
        if (prices != null) {
            if (!isMap(prices)) {
                return null;
            }
            List<BigDecimal> byPeriod = new ArrayList<>();
            for (String p : periods) {
                SourceNode price = prices.fields.get(p);
                byPeriod.add(price == null ? missingPrice(prices, p) : nonNegative(price));
            }
            for (String p : prices.fields.keySet()) {
                if (!periods.contains(p)) {
                    problem(prices.fields.get(p), "period '" + p + "' is not one of the version's periods " + periods);
                }
            }
            return byPeriod.contains(null) ? null : new EnergyPrices(byPeriod, List.of(), Map.of());
        }
        List<EnergyPrices.Component> parts = new ArrayList<>();
        if (isList(components)) {
            for (SourceNode c : components.items) {
                if (isMap(c)) {
                    known(c, COMPONENT);
                    String name = string(required(c, "name"));
                    BigDecimal price = nonNegative(required(c, "price"));
                    if (name != null && price != null) {
                        parts.add(new EnergyPrices.Component(name, price, bool(c.fields.get("timeOfUse"), false)));
                    }
                }
            }
        }
        Map<String, BigDecimal> multipliers = new HashMap<>();
        SourceNode m = e.fields.get("multipliers");
        boolean anyTou = parts.stream().anyMatch(EnergyPrices.Component::timeOfUse);
        if (m == null) {
            if (anyTou || periods.size() > 1) {
                problem(e, "has components but no multipliers per period");
                return null;
            }
            multipliers.put(periods.get(0), BigDecimal.ONE);
        } else if (isMap(m)) {
            for (String p : periods) {
                SourceNode x = m.fields.get(p);
                BigDecimal v = x == null ? missingPrice(m, p) : nonNegative(x);
                if (v != null) {
                    multipliers.put(p, v);
                }
            }
        }
        if (multipliers.size() != periods.size() || parts.isEmpty()) {
            if (parts.isEmpty()) {
                problem(components, "lists no component");
            }
            return null;
        }
        return new EnergyPrices(EnergyPrices.fromComponents(periods, parts, multipliers), parts, multipliers);
    }

    private BigDecimal missingPrice(SourceNode n, String period) {
        problem(n, "has nothing for period '" + period + "'");
        return null;
    }

    private Tiers tiers(SourceNode t) {
        if (!isMap(t)) {
            return null;
        }
        known(t, TIERS);
        String basis = string(required(t, "basis"));
        Tiers.Basis b = null;
        if ("monthly".equals(basis)) {
            b = Tiers.Basis.MONTHLY;
        } else if ("annual".equals(basis)) {
            b = Tiers.Basis.ANNUAL;
        } else if (basis != null) {
            problem(t.fields.get("basis"), "must be monthly or annual, got '" + basis + "'");
        }
        List<Tiers.Block> blocks = new ArrayList<>();
        SourceNode bs = required(t, "blocks");
        if (bs != null && isList(bs)) {
            BigDecimal last = BigDecimal.ZERO;
            for (int i = 0; i < bs.items.size(); i++) {
                SourceNode x = bs.items.get(i);
                if (!isMap(x)) {
                    continue;
                }
                known(x, BLOCK);
                boolean isLast = i == bs.items.size() - 1;
                BigDecimal upTo = isLast ? null : positive(required(x, "upToKwh"));
                if (isLast && x.fields.containsKey("upToKwh")) {
                    problem(x.fields.get("upToKwh"), "the last block has no upper limit");
                }
                if (upTo != null && upTo.compareTo(last) <= 0) {
                    problem(x.fields.get("upToKwh"), "must be above the previous block's " + last.toPlainString());
                }
                BigDecimal inc = decimal(required(x, "increment"));
                blocks.add(new Tiers.Block(upTo, inc));
                if (upTo != null) {
                    last = upTo;
                }
            }
            if (bs.items.size() < 2) {
                problem(bs, "needs at least two blocks");
            }
        }
        return b == null ? null : new Tiers(b, blocks);
    }

    private BasicCharge basic(SourceNode b) {
        if (!isMap(b)) {
            return null;
        }
        known(b, BASIC);
        BigDecimal capacity = positiveOrNull(b.fields.get("capacityPerKva"));
        BigDecimal demand = positiveOrNull(b.fields.get("demandPerKw"));
        if (capacity == null && demand == null) {
            problem(b, "needs capacityPerKva, demandPerKw or both");
        }
        BigDecimal band = b.fields.containsKey("contractBand")
                ? positive(b.fields.get("contractBand"))
                : BasicCharge.DEFAULT_BAND;
        BigDecimal factor = b.fields.containsKey("excessFactor")
                ? positive(b.fields.get("excessFactor"))
                : BasicCharge.DEFAULT_EXCESS_FACTOR;
        BigDecimal floor = b.fields.containsKey("contractFloor")
                ? nonNegative(b.fields.get("contractFloor"))
                : BasicCharge.DEFAULT_FLOOR;
        return new BasicCharge(capacity, demand, band, factor, floor);
    }

    /** One rule, or a list of rules of which the first that applies to a customer is its rule. */
    private List<PowerFactorRule> powerFactor(SourceNode n) {
        List<PowerFactorRule> out = new ArrayList<>();
        for (SourceNode p : n.kind == SourceNode.Kind.LIST ? n.items : List.of(n)) {
            if (!isMap(p)) {
                continue;
            }
            known(p, PF);
            BigDecimal standard = decimal(required(p, "standard"));
            if (standard == null) {
                continue;
            }
            try {
                out.add(new PowerFactorRule(
                        standard, strings(p.fields.get("classes")), nonNegativeOrNull(p.fields.get("appliesFromKva"))));
            } catch (IllegalArgumentException e) {
                problem(p.fields.get("standard"), e.getMessage());
            }
        }
        return out;
    }

    private ReactiveCharge reactive(SourceNode r) {
        if (!isMap(r)) {
            return null;
        }
        known(r, REACTIVE);
        BigDecimal price = positive(required(r, "pricePerKvarh"));
        BigDecimal free = r.fields.containsKey("freeKvarhPerKwh")
                ? nonNegative(r.fields.get("freeKvarhPerKwh"))
                : BigDecimal.ZERO;
        return price == null ? null : new ReactiveCharge(price, free);
    }

    private List<FixedCharge> fixed(SourceNode f) {
        List<FixedCharge> out = new ArrayList<>();
        if (!isList(f)) {
            return out;
        }
        for (SourceNode x : f.items) {
            if (!isMap(x)) {
                continue;
            }
            known(x, FIXED);
            String name = string(required(x, "name"));
            BigDecimal month = nonNegativeOrNull(x.fields.get("perMonth"));
            BigDecimal day = nonNegativeOrNull(x.fields.get("perDay"));
            if ((month == null) == (day == null)) {
                problem(x, "needs exactly one of perMonth and perDay");
                continue;
            }
            out.add(new FixedCharge(name, month, day));
        }
        return out;
    }

    private BigDecimal minimum(SourceNode m) {
        if (!isMap(m)) {
            return null;
        }
        known(m, MINIMUM);
        return positive(required(m, "perMonth"));
    }

    // ------------------------------------------------------------------ scalars

    private void problem(SourceNode n, String message) {
        problems.add(n.at() + ": " + message);
    }

    private SourceNode required(SourceNode map, String field) {
        SourceNode n = map.fields.get(field);
        if (n == null || n.kind == SourceNode.Kind.NULL) {
            problem(map, "needs " + field);
            return null;
        }
        return n;
    }

    private void known(SourceNode map, Set<String> allowed) {
        for (String k : map.fields.keySet()) {
            if (!allowed.contains(k)) {
                problem(map.fields.get(k), "is not a field here (one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private boolean isMap(SourceNode n) {
        if (n != null && n.kind != SourceNode.Kind.MAP) {
            problem(n, "must be a map of fields");
        }
        return n != null && n.kind == SourceNode.Kind.MAP;
    }

    private boolean isList(SourceNode n) {
        if (n != null && n.kind != SourceNode.Kind.LIST) {
            problem(n, "must be a list");
        }
        return n != null && n.kind == SourceNode.Kind.LIST;
    }

    private String string(SourceNode n) {
        if (n == null) {
            return null;
        }
        if (n.kind == SourceNode.Kind.MAP || n.kind == SourceNode.Kind.LIST || n.kind == SourceNode.Kind.NULL) {
            problem(n, "must be a text");
            return null;
        }
        return n.text;
    }

    private String optionalString(SourceNode n) {
        return n == null || n.kind == SourceNode.Kind.NULL ? null : string(n);
    }

    private boolean bool(SourceNode n, boolean fallback) {
        if (n == null) {
            return fallback;
        }
        if (n.kind != SourceNode.Kind.BOOLEAN) {
            problem(n, "must be true or false");
            return fallback;
        }
        return Boolean.parseBoolean(n.text);
    }

    private BigDecimal decimal(SourceNode n) {
        if (n == null) {
            return null;
        }
        if (n.kind != SourceNode.Kind.NUMBER) {
            problem(n, "must be a number" + (n.kind == SourceNode.Kind.STRING ? ", got '" + n.text + "'" : ""));
            return null;
        }
        BigDecimal d = new BigDecimal(n.text);
        if (d.scale() > 6) {
            problem(n, n.text + " has more than 6 decimals (prices carry up to 6 as published)");
            return null;
        }
        return d;
    }

    private BigDecimal nonNegative(SourceNode n) {
        BigDecimal d = decimal(n);
        if (d != null && d.signum() < 0) {
            problem(n, "must not be negative, got " + n.text);
            return null;
        }
        return d;
    }

    private BigDecimal positive(SourceNode n) {
        BigDecimal d = decimal(n);
        if (d != null && d.signum() <= 0) {
            problem(n, "must be above zero, got " + n.text);
            return null;
        }
        return d;
    }

    private BigDecimal positiveOrNull(SourceNode n) {
        return n == null || n.kind == SourceNode.Kind.NULL ? null : positive(n);
    }

    private BigDecimal nonNegativeOrNull(SourceNode n) {
        return n == null || n.kind == SourceNode.Kind.NULL ? null : nonNegative(n);
    }

    private ZoneId zone(SourceNode n) {
        String z = string(n);
        if (z == null) {
            return null;
        }
        try {
            return ZoneId.of(z);
        } catch (DateTimeException e) {
            problem(n, "'" + z + "' is not a time-zone id like Asia/Shanghai");
            return null;
        }
    }

    private LocalDate date(SourceNode n) {
        String s = string(n);
        if (s == null) {
            return null;
        }
        try {
            return LocalDate.parse(s.trim());
        } catch (DateTimeException e) {
            problem(n, "'" + s + "' is not a date like 2026-07-01");
            return null;
        }
    }

    private List<String> stringList(SourceNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.kind == SourceNode.Kind.STRING) {
            out.add(n.text); // a single range or name may stand without brackets
        } else if (n != null && isList(n)) {
            for (SourceNode x : n.items) {
                String s = string(x);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private Set<String> strings(SourceNode n) {
        return n == null || n.kind == SourceNode.Kind.NULL ? Set.of() : new HashSet<>(stringList(n));
    }

    /** Dates and inclusive ranges {@code 2026-02-15..2026-02-23}. */
    private Set<LocalDate> dates(SourceNode n) {
        Set<LocalDate> out = new HashSet<>();
        for (String s : stringList(n)) {
            String[] ends = s.split("\\.\\.");
            try {
                LocalDate from = LocalDate.parse(ends[0].trim());
                LocalDate to = ends.length == 2 ? LocalDate.parse(ends[1].trim()) : from;
                if (ends.length > 2 || to.isBefore(from) || from.plusDays(366).isBefore(to)) {
                    throw new DateTimeException("bad range");
                }
                for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                    out.add(d);
                }
            } catch (DateTimeException e) {
                problem(n, "'" + s + "' is not a date (2026-10-01) or a range of dates (2026-10-01..2026-10-07)");
            }
        }
        return out;
    }

    /** Month numbers 1–12 and ranges such as "7-9". */
    private Set<Month> months(SourceNode n) {
        Set<Month> out = EnumSet.noneOf(Month.class);
        if (n == null || !isList(n)) {
            return out;
        }
        for (SourceNode x : n.items) {
            String s = x.text == null ? "" : x.text.trim();
            try {
                String[] ends = s.split("-");
                int from = Integer.parseInt(ends[0].trim());
                int to = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : from;
                if (ends.length > 2 || from < 1 || to > 12 || to < from) {
                    throw new NumberFormatException();
                }
                for (int m = from; m <= to; m++) {
                    out.add(Month.of(m));
                }
            } catch (NumberFormatException e) {
                problem(x, "'" + s + "' is not a month number 1-12 or a range like 7-9");
            }
        }
        return out;
    }

    private Set<DayOfWeek> weekdays(SourceNode n) {
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String s : stringList(n)) {
            DayOfWeek found = null;
            for (DayOfWeek d : DayOfWeek.values()) {
                if (s.length() >= 3 && d.name().startsWith(s.trim().toUpperCase(Locale.ROOT))) {
                    found = d;
                }
            }
            if (found == null) {
                problem(n, "'" + s + "' is not a day of the week (mon, tue, ... or monday, ...)");
            } else {
                out.add(found);
            }
        }
        return out;
    }

    private static boolean distinct(List<String> xs) {
        return new HashSet<>(xs).size() == xs.size();
    }
}
