package io.kilowatch.flink.alerts;

import io.kilowatch.flink.curves.MeterIntervals;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertType;
import io.kilowatch.model.RegistryEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One alert per incident (docs/alerts.md "One alert per incident"), keyed by a group: a
 * transformer area (its meters' alerts) or a feeder (its transformers' area alerts), the registry
 * as broadcast state to know how large the group is.
 *
 * <p>A member's {@code meter_offline}, {@code voltage_sag} or {@code voltage_swell} waits
 * {@link AlertRules.Fold#window()} (event time) for the others. If by then at least
 * {@link AlertRules.Fold#areaShare()} of the area's meters (and {@link AlertRules.Fold#minMeters()})
 * have it open, the transformer gets one {@code area_outage} / {@code area_voltage_sag} /
 * {@code area_voltage_swell}, opened at the first member's start and naming them all; those
 * members and any that join while it is open are sent with its id as their parent, and it
 * resolves when its last member does. Otherwise they go on alone. A feeder folds its
 * transformers' area alerts the same way ({@link AlertRules.Fold#feederShare()}), so the
 * transformer-level fold sends its incidents on to the feeder's ({@link #UP}) when the registry
 * names a feeder. A customer's {@code over_capacity} is folded under its transformer's open
 * {@code transformer_overload}: one load incident, not fifty. Members still reach the customers
 * they are about (their supply); staff read the incident.
 *
 * <p>Alerts are taken in event-time order (each waits for the watermark to pass its time), so a
 * replay folds the same way and gives the same ids. State: members open now, incidents open now
 * and alerts waiting; nothing is left once an incident and its members are over.
 */
public class IncidentFold extends KeyedBroadcastProcessFunction<String, AreaMember, RegistryUpdate, Alert> {
    public enum Level {
        TRANSFORMER("transformer", "meters"),
        FEEDER("feeder", "transformers");

        final String name;
        final String memberUnit;

        Level(String name, String memberUnit) {
            this.name = name;
            this.memberUnit = memberUnit;
        }
    }

    /** A transformer's area incidents on their way to its feeder's fold. */
    public static final OutputTag<AreaMember> UP =
            new OutputTag<>("feeder-members", TypeInformation.of(AreaMember.class));

    static final String OVERLOAD = AlertType.TRANSFORMER_OVERLOAD.wire();
    private static final long NONE = Long.MIN_VALUE;

    /** Whether a meter's alert of this type goes through its area's fold. */
    public static boolean foldable(String type) {
        return incidentOf(type) != null || OVERLOAD.equals(type);
    }

    /** The incident an alert of this type may be a member of, or null. */
    static String incidentOf(String type) {
        AlertType t = AlertType.of(type);
        AlertType incident = t == null
                ? null
                : switch (t) {
                    case METER_OFFLINE, AREA_OUTAGE -> AlertType.AREA_OUTAGE;
                    case VOLTAGE_SAG, AREA_VOLTAGE_SAG -> AlertType.AREA_VOLTAGE_SAG;
                    case VOLTAGE_SWELL, AREA_VOLTAGE_SWELL -> AlertType.AREA_VOLTAGE_SWELL;
                    case OVER_CAPACITY -> AlertType.TRANSFORMER_OVERLOAD;
                    default -> null;
                };
        return incident == null ? null : incident.wire();
    }

    /** One kind of incident in one group. A POJO in keyed state. */
    public static class Fold {
        /** When the members waiting are decided on (event time), or NONE. */
        public long decideAt = NONE;
        /** The open incident (for over-capacity: the transformer's open overload), or null. */
        public String parentId;

        public long parentOpenedAt;
        /** Members the incident took, and how many the group had, when it opened. */
        public int need;

        public int size;
        /** Members with their alert open now, linked or not; of them, linked to {@link #parentId}. */
        public int open;

        public int linkedOpen;
        /** The most members linked at once. */
        public int peak;
        /** Where a transformer's incident goes on to: its feeder, or null. */
        public String upTo;

        boolean idle() {
            return decideAt == NONE && parentId == null && open == 0;
        }
    }

    private final Level level;
    private final AlertRules.Fold rules;
    private final long windowMs;
    private transient MapState<Long, List<Alert>> arrived;
    private transient MapState<String, Fold> folds;
    private transient MapState<String, List<Alert>> held;
    /** kind|member → the incident it is linked to, "" when alone; members with an open alert only. */
    private transient MapState<String, String> members;

    private transient Counter incidents;
    private transient Counter folded;

    public IncidentFold(Level level, AlertRules.Fold rules) {
        this.level = level;
        this.rules = rules;
        this.windowMs = rules.window().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<List<Alert>> alerts = Types.LIST(TypeInformation.of(Alert.class));
        arrived = getRuntimeContext().getMapState(new MapStateDescriptor<>("arrived", Types.LONG, alerts));
        folds = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("folds", Types.STRING, TypeInformation.of(Fold.class)));
        held = getRuntimeContext().getMapState(new MapStateDescriptor<>("held", Types.STRING, alerts));
        members = getRuntimeContext().getMapState(new MapStateDescriptor<>("members", Types.STRING, Types.STRING));
        incidents = getRuntimeContext().getMetricGroup().counter("incidentsOpened");
        folded = getRuntimeContext().getMetricGroup().counter("alertsFolded");
    }

    @Override
    public void processBroadcastElement(RegistryUpdate u, Context ctx, Collector<Alert> out) throws Exception {
        u.applyTo(ctx.getBroadcastState(MeterIntervals.REGISTRY));
    }

    @Override
    public void processElement(AreaMember m, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        long t = m.alert().ts();
        if (t <= ctx.timerService().currentWatermark()) {
            // Behind the watermark already (a meter taken out of the
            // registry is closed at once): in order as far as it can be.
            handle(m.alert(), ctx, out);
            return;
        }
        List<Alert> at = arrived.get(t);
        if (at == null) {
            at = new ArrayList<>(2);
            ctx.timerService().registerEventTimeTimer(t);
        }
        at.add(m.alert());
        arrived.put(t, at);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<Alert> at = arrived.get(t);
        if (at != null) {
            arrived.remove(t);
            // An overload before the over-capacities it explains; members in a fixed order (a replay folds alike).
            at.sort(Comparator.comparing((Alert a) -> !OVERLOAD.equals(a.type()))
                    .thenComparing(Alert::subjectId));
            for (Alert a : at) {
                handle(a, ctx, out);
            }
        }
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Fold> e : folds.entries()) {
            if (e.getValue().decideAt == t) {
                due.add(e.getKey());
            }
        }
        for (String kind : due) {
            decide(kind, t, ctx, out);
        }
    }

    private void handle(Alert a, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        if (OVERLOAD.equals(a.type())) {
            Fold f = fold(OVERLOAD);
            f.parentId = a.isOpen() ? a.alertId() : null;
            save(OVERLOAD, f);
            out.collect(a);
            return;
        }
        String kind = incidentOf(a.type());
        Fold f = fold(kind);
        String key = kind + "|" + a.subjectId();
        if (a.isOpen()) {
            if (members.contains(key)) {
                out.collect(a); // its alert is open already: nothing to count
                return;
            }
            f.open++;
            if (f.parentId != null) {
                members.put(key, f.parentId);
                link(f, a, f.parentId, ctx, out);
            } else {
                members.put(key, "");
                hold(kind, f, a, ctx);
            }
        } else {
            String link = members.get(key);
            if (link == null) {
                out.collect(a); // opened before this fold knew it (or in another group): alone
                return;
            }
            if (link.isEmpty() && f.decideAt != NONE && waiting(kind, a.subjectId())) {
                hold(kind, f, a, ctx); // opened and over within the window: decided with the others
            } else {
                close(kind, f, a, link, true, ctx, out);
            }
        }
        save(kind, f);
    }

    private void hold(String kind, Fold f, Alert a, ReadOnlyContext ctx) throws Exception {
        List<Alert> h = held.get(kind);
        if (h == null) {
            h = new ArrayList<>();
        }
        h.add(a);
        held.put(kind, h);
        if (f.decideAt == NONE) {
            f.decideAt = a.ts() + windowMs;
            ctx.timerService().registerEventTimeTimer(f.decideAt);
        }
    }

    private boolean waiting(String kind, String subject) throws Exception {
        List<Alert> h = held.get(kind);
        return h != null && h.stream().anyMatch(x -> x.subjectId().equals(subject));
    }

    /** The window of the first member waiting is over: an incident, or each on its own. */
    private void decide(String kind, long t, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        Fold f = fold(kind);
        List<Alert> h = held.get(kind);
        held.remove(kind);
        f.decideAt = NONE;
        if (h == null) {
            save(kind, f);
            return;
        }
        String parent = null;
        if (OVERLOAD.equals(kind)) {
            parent = f.parentId;
        } else {
            int size = groupSize(ctx.getBroadcastState(MeterIntervals.REGISTRY), ctx.getCurrentKey());
            int need = Math.max(rules.minMeters(), (int) Math.ceil(share() * size - 1e-9));
            if (f.open >= need) {
                parent = openIncident(kind, f, h, size, need, ctx, out);
            }
        }
        for (Alert a : h) {
            String key = kind + "|" + a.subjectId();
            if (a.isOpen()) {
                if (parent != null) {
                    members.put(key, parent);
                    link(f, a, parent, ctx, out);
                } else {
                    out.collect(a);
                }
            } else {
                String link = members.get(key);
                close(kind, f, a, link == null ? "" : link, false, ctx, out);
            }
        }
        if (!OVERLOAD.equals(kind) && f.parentId != null && f.linkedOpen == 0) {
            // Every member was over within the window:
            // the incident opened and ends now (1 ms on, its own point in InfluxDB).
            resolveIncident(kind, f, h.stream().mapToLong(Alert::ts).max().orElseThrow() + 1, ctx, out);
        }
        save(kind, f);
    }

    private String openIncident(
            String kind, Fold f, List<Alert> h, int size, int need, ReadOnlyContext ctx, Collector<Alert> out)
            throws Exception {
        String group = ctx.getCurrentKey();
        long openedAt = h.stream()
                .filter(Alert::isOpen)
                .mapToLong(Alert::openedAt)
                .min()
                .orElse(h.get(0).openedAt());
        long ts = h.stream().mapToLong(Alert::ts).max().orElseThrow();
        Set<String> affected = new TreeSet<>();
        for (Map.Entry<String, String> e : members.entries()) {
            if (e.getKey().startsWith(kind + "|")) {
                affected.add(e.getKey().substring(kind.length() + 1));
            }
        }
        f.parentId = Condition.alertId(group, kind, openedAt);
        f.parentOpenedAt = openedAt;
        f.need = need;
        f.size = size;
        f.linkedOpen = 0;
        f.peak = 0;
        f.upTo = level == Level.TRANSFORMER ? feederOf(ctx.getBroadcastState(MeterIntervals.REGISTRY), group) : null;
        incidents.inc();
        up(
                f,
                incident(
                        kind,
                        group,
                        Alert.State.OPEN,
                        ts,
                        f,
                        affected.size(),
                        Messages.incidentOpened(
                                kind, level.name, group, affected.size(), size, level.memberUnit, openedAt, affected)),
                ctx,
                out);
        return f.parentId;
    }

    private void link(Fold f, Alert a, String parent, ReadOnlyContext ctx, Collector<Alert> out) {
        if (parent.equals(f.parentId) && !OVERLOAD.equals(incidentOf(a.type()))) {
            f.linkedOpen++;
            f.peak = Math.max(f.peak, f.linkedOpen);
        }
        folded.inc();
        out.collect(a.withParent(parent));
    }

    /** @param mayResolve whether the incident may end with this member (not while a decision is still linking others) */
    private void close(
            String kind, Fold f, Alert a, String link, boolean mayResolve, ReadOnlyContext ctx, Collector<Alert> out)
            throws Exception {
        members.remove(kind + "|" + a.subjectId());
        f.open = Math.max(f.open - 1, 0);
        if (link.isEmpty()) {
            out.collect(a);
            return;
        }
        folded.inc();
        out.collect(a.withParent(link));
        if (!OVERLOAD.equals(kind) && link.equals(f.parentId)) {
            f.linkedOpen--;
            if (f.linkedOpen == 0 && mayResolve) {
                resolveIncident(kind, f, a.ts(), ctx, out);
            }
        }
    }

    private void resolveIncident(String kind, Fold f, long ts, ReadOnlyContext ctx, Collector<Alert> out) {
        String group = ctx.getCurrentKey();
        up(
                f,
                incident(
                        kind,
                        group,
                        Alert.State.RESOLVED,
                        ts,
                        f,
                        f.peak,
                        Messages.incidentResolved(
                                kind, level.name, group, f.peak, level.memberUnit, f.parentOpenedAt, ts)),
                ctx,
                out);
        f.parentId = null;
        f.upTo = null;
    }

    private void up(Fold f, Alert incident, ReadOnlyContext ctx, Collector<Alert> out) {
        if (f.upTo != null) {
            ctx.output(UP, new AreaMember(f.upTo, incident));
        } else {
            out.collect(incident);
        }
    }

    private Alert incident(String kind, String group, Alert.State state, long ts, Fold f, int members, String message) {
        String severity = AlertType.AREA_OUTAGE.wire().equals(kind) ? "critical" : "warning";
        return new Alert(
                f.parentId,
                kind,
                severity,
                level.name,
                group,
                null,
                state,
                ts,
                f.parentOpenedAt,
                members,
                f.need,
                level.memberUnit,
                message);
    }

    private double share() {
        return level == Level.TRANSFORMER ? rules.areaShare() : rules.feederShare();
    }

    /** How many members the group has: a transformer area's meters (its area meter too), a feeder's transformers. */
    int groupSize(ReadOnlyBroadcastState<String, RegistryEntry> registry, String group) throws Exception {
        Set<String> transformers = new HashSet<>();
        int meters = 0;
        for (Map.Entry<String, RegistryEntry> e : registry.immutableEntries()) {
            RegistryEntry r = e.getValue();
            if (level == Level.TRANSFORMER && group.equals(r.transformerId())) {
                meters++;
            } else if (level == Level.FEEDER && group.equals(r.feederId()) && r.transformerId() != null) {
                transformers.add(r.transformerId());
            }
        }
        return level == Level.TRANSFORMER ? meters : transformers.size();
    }

    private static String feederOf(ReadOnlyBroadcastState<String, RegistryEntry> registry, String transformer)
            throws Exception {
        for (Map.Entry<String, RegistryEntry> e : registry.immutableEntries()) {
            if (transformer.equals(e.getValue().transformerId()) && e.getValue().feederId() != null) {
                return e.getValue().feederId();
            }
        }
        return null;
    }

    private Fold fold(String kind) throws Exception {
        Fold f = folds.get(kind);
        return f == null ? new Fold() : f;
    }

    private void save(String kind, Fold f) throws Exception {
        if (f.idle()) {
            folds.remove(kind);
        } else {
            folds.put(kind, f);
        }
    }
}
