package io.kilowatch.flink.tariffs;

import io.kilowatch.flink.records.BillingTerms;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes a {@link CustomerLedger} field by field: no reflection, no Kryo, a version byte for the future. */
public final class CustomerLedgerSerializer extends TypeSerializer<CustomerLedger> {
    private static final int VERSION = 3;
    /**
     * Version 2 had no record of what each month's bill point last carried (read as unknown: the
     * first point after a restore writes every field, {@code current=false} included).
     */
    private static final int VERSION_WITHOUT_WRITTEN = 2;
    /**
     * Version 1 had no update-due flag (read as due: the first quarter timer after a restore
     * writes the bill), no day-close timer (read as none: registered again) and no count of
     * waiting events (read as unknown: the list is read once).
     */
    private static final int VERSION_WITHOUT_UPDATE_DUE = 1;

    static final CustomerLedgerSerializer INSTANCE = new CustomerLedgerSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<CustomerLedger> duplicate() {
        return this;
    }

    @Override
    public CustomerLedger createInstance() {
        return new CustomerLedger();
    }

    /**
     * A deep copy of what is mutable; strings, terms and events (immutable) are shared. The heap
     * backend copies a ledger on its first access while a checkpoint is being written, and a day
     * close copies it for its view: as serialize-and-read it allocated every string again (JFR:
     * 3 % of the stage). Equal to a round trip through {@link #serialize} (the test holds them so).
     */
    @Override
    public CustomerLedger copy(CustomerLedger from) {
        CustomerLedger l = new CustomerLedger();
        l.terms = from.terms;
        for (CustomerLedger.OpenWindow w : from.open) {
            CustomerLedger.OpenWindow c = new CustomerLedger.OpenWindow();
            c.start = w.start;
            c.meters = w.meters.clone();
            c.kwh = w.kwh.clone();
            c.kvarh = w.kvarh.clone();
            l.open.add(c);
        }
        for (PlanMonth m : from.months) {
            l.months.add(copy(m));
        }
        l.sentFen.putAll(from.sentFen);
        l.sentMonth = from.sentMonth;
        l.revenueMonth = from.revenueMonth;
        l.billedFen = from.billedFen;
        l.projectedFen = from.projectedFen;
        l.offeredFen = from.offeredFen;
        for (CustomerLedger.MeterWatch w : from.watches) {
            CustomerLedger.MeterWatch c = new CustomerLedger.MeterWatch();
            c.meterId = w.meterId;
            c.window = w.window;
            c.sumKw = w.sumKw;
            c.count = w.count;
            c.firstTs = w.firstTs;
            c.lastTs = w.lastTs;
            l.watches.add(c);
        }
        l.warnedWindow = from.warnedWindow;
        l.warnedFen = from.warnedFen;
        l.lastUpdateMs = from.lastUpdateMs;
        l.updateDue = from.updateDue;
        l.dayCloseTimer = from.dayCloseTimer;
        l.waiting = from.waiting;
        l.heldReadings.addAll(from.heldReadings); // readings carry no terms: immutable, shared
        for (CustomerLedger.DayProfile p : from.profiles) {
            CustomerLedger.DayProfile c = new CustomerLedger.DayProfile();
            c.year = p.year;
            c.month = p.month;
            c.kwh = p.kwh.clone();
            c.quarters = p.quarters.clone();
            l.profiles.add(c);
        }
        return l;
    }

    private static PlanMonth copy(PlanMonth m) {
        PlanMonth c = new PlanMonth();
        c.planId = m.planId;
        c.year = m.year;
        c.month = m.month;
        c.monthStart = m.monthStart;
        c.monthEnd = m.monthEnd;
        c.versions = m.versions.clone();
        c.kwh = new long[m.kwh.length][];
        for (int i = 0; i < m.kwh.length; i++) {
            c.kwh[i] = m.kwh[i].clone();
        }
        c.kvarh = m.kvarh.clone();
        c.kvarhMissing = m.kvarhMissing;
        c.finalMaxDemand = m.finalMaxDemand;
        c.finalMaxDemandAt = m.finalMaxDemandAt;
        c.ytdBefore = m.ytdBefore;
        c.ytdFromPrevious = m.ytdFromPrevious;
        c.trackedFrom = m.trackedFrom;
        c.coveredUntil = m.coveredUntil;
        c.written = m.written;
        return c;
    }

    @Override
    public CustomerLedger copy(CustomerLedger from, CustomerLedger reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(CustomerLedger l, DataOutputView out) throws IOException {
        write(l, out, VERSION);
    }

    /** As {@code version} (this one, or 2) had it: the tests of reading older state write it with this. */
    void write(CustomerLedger l, DataOutputView out, int version) throws IOException {
        if (version != VERSION && version != VERSION_WITHOUT_WRITTEN) {
            throw new IllegalArgumentException("writes versions 2 and 3 only");
        }
        out.writeByte(version);
        out.writeBoolean(l.terms != null);
        if (l.terms != null) {
            BillingTerms t = l.terms;
            out.writeUTF(t.planId());
            out.writeUTF(t.customerClass());
            out.writeUTF(t.voltageLevel());
            nullable(out, t.region());
            nullable(out, t.feederId());
            out.writeDouble(t.capacityKva());
            nullable(out, t.basis());
            out.writeDouble(t.contractKw());
        }
        out.writeInt(l.open.size());
        for (CustomerLedger.OpenWindow w : l.open) {
            out.writeLong(w.start);
            out.writeInt(w.meters.length);
            for (int i = 0; i < w.meters.length; i++) {
                out.writeUTF(w.meters[i]);
                out.writeLong(w.kwh[i]);
                out.writeLong(w.kvarh[i]);
            }
        }
        out.writeInt(l.months.size());
        for (PlanMonth m : l.months) {
            out.writeUTF(m.planId);
            out.writeShort(m.year);
            out.writeByte(m.month);
            out.writeLong(m.monthStart);
            out.writeLong(m.monthEnd);
            out.writeByte(m.versions.length);
            for (int i = 0; i < m.versions.length; i++) {
                out.writeLong(m.versions[i]);
                out.writeByte(m.kwh[i].length);
                for (long x : m.kwh[i]) {
                    out.writeLong(x);
                }
                out.writeLong(m.kvarh[i]);
            }
            out.writeBoolean(m.kvarhMissing);
            out.writeLong(m.finalMaxDemand);
            out.writeLong(m.finalMaxDemandAt);
            out.writeLong(m.ytdBefore);
            out.writeBoolean(m.ytdFromPrevious);
            out.writeLong(m.trackedFrom);
            out.writeLong(m.coveredUntil);
            if (version == VERSION) {
                out.writeInt(m.written);
            }
        }
        out.writeInt(l.sentFen.size());
        for (Map.Entry<String, Long> e : l.sentFen.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        nullable(out, l.sentMonth);
        nullable(out, l.revenueMonth);
        out.writeLong(l.billedFen);
        out.writeLong(l.projectedFen);
        out.writeLong(l.offeredFen);
        out.writeInt(l.watches.size());
        for (CustomerLedger.MeterWatch w : l.watches) {
            out.writeUTF(w.meterId);
            out.writeLong(w.window);
            out.writeDouble(w.sumKw);
            out.writeInt(w.count);
            out.writeLong(w.firstTs);
            out.writeLong(w.lastTs);
        }
        out.writeLong(l.warnedWindow);
        out.writeLong(l.warnedFen);
        out.writeLong(l.lastUpdateMs);
        out.writeBoolean(l.updateDue);
        out.writeLong(l.dayCloseTimer);
        out.writeInt(l.waiting);
        out.writeInt(l.heldReadings.size());
        for (io.kilowatch.flink.records.BillingEvent e : l.heldReadings) {
            out.writeUTF(e.customerId());
            out.writeUTF(e.meterId());
            out.writeLong(e.time());
            out.writeDouble(e.kw());
        }
        out.writeByte(l.profiles.size());
        for (CustomerLedger.DayProfile p : l.profiles) {
            out.writeShort(p.year);
            out.writeByte(p.month);
            for (int h = 0; h < 24; h++) {
                out.writeLong(p.kwh[h]);
                out.writeShort(p.quarters[h]);
            }
        }
    }

    @Override
    public CustomerLedger deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION && version != VERSION_WITHOUT_WRITTEN && version != VERSION_WITHOUT_UPDATE_DUE) {
            throw new IOException("unknown customer ledger version " + version);
        }
        CustomerLedger l = new CustomerLedger();
        if (in.readBoolean()) {
            l.terms = new BillingTerms(
                    in.readUTF(),
                    in.readUTF(),
                    in.readUTF(),
                    nullable(in),
                    nullable(in),
                    in.readDouble(),
                    nullable(in),
                    in.readDouble());
        }
        int windows = in.readInt();
        for (int k = 0; k < windows; k++) {
            CustomerLedger.OpenWindow w = new CustomerLedger.OpenWindow();
            w.start = in.readLong();
            int n = in.readInt();
            w.meters = new String[n];
            w.kwh = new long[n];
            w.kvarh = new long[n];
            for (int i = 0; i < n; i++) {
                w.meters[i] = in.readUTF();
                w.kwh[i] = in.readLong();
                w.kvarh[i] = in.readLong();
            }
            l.open.add(w);
        }
        int months = in.readInt();
        for (int k = 0; k < months; k++) {
            PlanMonth m = new PlanMonth();
            m.planId = in.readUTF();
            m.year = in.readShort();
            m.month = in.readByte();
            m.monthStart = in.readLong();
            m.monthEnd = in.readLong();
            int v = in.readUnsignedByte();
            m.versions = new long[v];
            m.kwh = new long[v][];
            m.kvarh = new long[v];
            for (int i = 0; i < v; i++) {
                m.versions[i] = in.readLong();
                m.kwh[i] = new long[in.readUnsignedByte()];
                for (int p = 0; p < m.kwh[i].length; p++) {
                    m.kwh[i][p] = in.readLong();
                }
                m.kvarh[i] = in.readLong();
            }
            m.kvarhMissing = in.readBoolean();
            m.finalMaxDemand = in.readLong();
            m.finalMaxDemandAt = in.readLong();
            m.ytdBefore = in.readLong();
            m.ytdFromPrevious = in.readBoolean();
            m.trackedFrom = in.readLong();
            m.coveredUntil = in.readLong();
            m.written = version == VERSION ? in.readInt() : PlanMonth.UNKNOWN;
            l.months.add(m);
        }
        int sent = in.readInt();
        for (int k = 0; k < sent; k++) {
            l.sentFen.put(in.readUTF(), in.readLong());
        }
        l.sentMonth = nullable(in);
        l.revenueMonth = nullable(in);
        l.billedFen = in.readLong();
        l.projectedFen = in.readLong();
        l.offeredFen = in.readLong();
        int watches = in.readInt();
        for (int k = 0; k < watches; k++) {
            CustomerLedger.MeterWatch w = new CustomerLedger.MeterWatch();
            w.meterId = in.readUTF();
            w.window = in.readLong();
            w.sumKw = in.readDouble();
            w.count = in.readInt();
            w.firstTs = in.readLong();
            w.lastTs = in.readLong();
            l.watches.add(w);
        }
        l.warnedWindow = in.readLong();
        l.warnedFen = in.readLong();
        l.lastUpdateMs = in.readLong();
        if (version == VERSION_WITHOUT_UPDATE_DUE) {
            l.updateDue = true;
            l.waiting = CustomerLedger.WAITING_UNKNOWN;
        } else {
            l.updateDue = in.readBoolean();
            l.dayCloseTimer = in.readLong();
            l.waiting = in.readInt();
        }
        int held = in.readInt();
        for (int k = 0; k < held; k++) {
            // Its kW is the meter's mean over the quarter so far; a ledger from before readings
            // carried the mean held the reading's own kW, taken as the mean (a warning's projection,
            // for the quarters held over the upgrade only).
            l.heldReadings.add(io.kilowatch.flink.records.BillingEvent.reading(
                    in.readUTF(), in.readUTF(), in.readLong(), in.readDouble()));
        }
        int profiles = in.readUnsignedByte();
        for (int k = 0; k < profiles; k++) {
            CustomerLedger.DayProfile p = new CustomerLedger.DayProfile();
            p.year = in.readShort();
            p.month = in.readByte();
            for (int h = 0; h < 24; h++) {
                p.kwh[h] = in.readLong();
                p.quarters[h] = in.readUnsignedShort();
            }
            l.profiles.add(p);
        }
        return l;
    }

    @Override
    public CustomerLedger deserialize(CustomerLedger reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomerLedgerSerializer;
    }

    @Override
    public int hashCode() {
        return CustomerLedgerSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<CustomerLedger> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<CustomerLedger> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    private static void nullable(DataOutputView out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String nullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
