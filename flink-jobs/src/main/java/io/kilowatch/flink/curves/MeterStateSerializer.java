package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.Cell;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link MeterState} compactly and copies it without reflection: the per-meter state is
 * what a large fleet's checkpoints are made of, and the heap backend copies entries that change
 * while a checkpoint is being written. Times inside an interval are varint offsets from its
 * start, the counted timestamps are delta-coded, and what was last emitted is rebuilt from the
 * interval's values (the operator keeps the two equal between operations) except the energy.
 *
 * <p>Version 2 keeps the 15-minute intervals only, writes a cell as its two parts, and ends
 * with the readings deferred until their minute closes (start, kW). Version 1
 * (before 2026-12) also wrote an always-empty 1-minute slot and a cell as {@code "T1|class"}; it
 * is still read, so a savepoint taken before the change restores.
 */
public final class MeterStateSerializer extends TypeSerializer<MeterState> {
    private static final int VERSION = 2;
    private static final int VERSION_1 = 1;
    private static final int EMITTED = 1;
    private static final int REGISTER = 2;
    private static final int ESTIMATED = 4;
    /** Every counted timestamp is on a whole second (meters' usual case): offsets in seconds, a byte each. */
    private static final int WHOLE_SECONDS = 8;
    /** Some readings carried reactive power; state written before kvar was kept has no such flag and reads as none. */
    private static final int KVAR = 16;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<MeterState> duplicate() {
        return this;
    }

    @Override
    public MeterState createInstance() {
        return new MeterState();
    }

    @Override
    public MeterState copy(MeterState from) {
        MeterState to = new MeterState();
        IntervalAcc[] dst = new IntervalAcc[from.intervals.length];
        for (int j = 0; j < dst.length; j++) {
            dst[j] = copy(from.intervals[j]);
        }
        to.intervals = dst;
        to.lastRealStart = from.lastRealStart;
        to.lastRealKw = from.lastRealKw;
        to.lastRegTs = from.lastRegTs;
        to.lastRegRaw = from.lastRegRaw;
        to.registerOffset = from.registerOffset;
        to.day = from.day == null ? null : copy(from.day);
        to.deferred = from.deferred;
        to.deferredStart = java.util.Arrays.copyOf(from.deferredStart, from.deferred);
        to.deferredKw = java.util.Arrays.copyOf(from.deferredKw, from.deferred);
        return to;
    }

    private static IntervalAcc copy(IntervalAcc a) {
        IntervalAcc b = new IntervalAcc(a.start);
        b.count = a.count;
        b.sumKw = a.sumKw;
        b.maxKw = a.maxKw;
        b.minKw = a.minKw;
        b.kvarCount = a.kvarCount;
        b.sumAbsKvar = a.sumAbsKvar;
        b.seen = a.seen; // never changed in place: markSeen replaces the array
        b.regFirstTs = a.regFirstTs;
        b.regFirst = a.regFirst;
        b.regLastTs = a.regLastTs;
        b.regLast = a.regLast;
        b.registerEvent = a.registerEvent;
        b.estimatedKw = a.estimatedKw;
        b.cell = a.cell;
        b.emitted = a.emitted;
        b.emKwAvg = a.emKwAvg;
        b.emKwMax = a.emKwMax;
        b.emKwMin = a.emKwMin;
        b.emKwh = a.emKwh;
        b.emReadings = a.emReadings;
        b.emMeters = a.emMeters;
        b.emEstimated = a.emEstimated;
        return b;
    }

    private static DayAcc copy(DayAcc d) {
        DayAcc e = new DayAcc();
        e.dayStart = d.dayStart;
        e.dayEnd = d.dayEnd;
        e.peakKw = d.peakKw;
        e.peakTs = d.peakTs;
        e.valleyKw = d.valleyKw;
        e.valleyTs = d.valleyTs;
        e.sumKw = d.sumKw;
        e.kwh = d.kwh;
        e.intervals = d.intervals;
        e.estimated = d.estimated;
        e.kwhByPeriod = d.kwhByPeriod.clone();
        return e;
    }

    @Override
    public MeterState copy(MeterState from, MeterState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(MeterState s, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        writeVarLong(out, s.intervals.length);
        for (IntervalAcc a : s.intervals) {
            write(a, out);
        }
        out.writeLong(s.lastRealStart);
        out.writeDouble(s.lastRealKw);
        out.writeLong(s.lastRegTs);
        out.writeDouble(s.lastRegRaw);
        out.writeDouble(s.registerOffset);
        out.writeBoolean(s.day != null);
        if (s.day != null) {
            DayAcc d = s.day;
            out.writeLong(d.dayStart);
            out.writeLong(d.dayEnd);
            out.writeDouble(d.peakKw);
            out.writeLong(d.peakTs);
            out.writeDouble(d.valleyKw);
            out.writeLong(d.valleyTs);
            out.writeDouble(d.sumKw);
            out.writeDouble(d.kwh);
            writeVarLong(out, d.intervals);
            writeVarLong(out, d.estimated);
            writeVarLong(out, d.kwhByPeriod.length);
            for (double v : d.kwhByPeriod) {
                out.writeDouble(v);
            }
        }
        writeVarLong(out, s.deferred);
        for (int i = 0; i < s.deferred; i++) {
            out.writeLong(s.deferredStart[i]);
            out.writeDouble(s.deferredKw[i]);
        }
    }

    private static void write(IntervalAcc a, DataOutputView out) throws IOException {
        out.writeLong(a.start);
        boolean seconds = true;
        for (int offset : a.seen) {
            seconds &= offset % 1000 == 0;
        }
        int flags = (a.emitted ? EMITTED : 0)
                | (a.hasRegister() ? REGISTER : 0)
                | (a.isEstimated() ? ESTIMATED : 0)
                | (seconds ? WHOLE_SECONDS : 0)
                | (a.kvarCount > 0 ? KVAR : 0);
        int unit = seconds ? 1000 : 1;
        out.writeByte(flags);
        out.writeByte(a.registerEvent);
        writeVarLong(out, a.count);
        if (a.count > 0) {
            out.writeDouble(a.sumKw);
            out.writeDouble(a.maxKw);
            out.writeDouble(a.minKw);
        }
        writeVarLong(out, a.seen.length);
        int previous = 0;
        for (int offset : a.seen) {
            writeVarLong(out, (offset - previous) / unit);
            previous = offset;
        }
        if ((flags & REGISTER) != 0) {
            writeVarLong(out, a.regFirstTs - a.start);
            out.writeDouble(a.regFirst);
            writeVarLong(out, a.regLastTs - a.start);
            out.writeDouble(a.regLast);
        }
        if ((flags & ESTIMATED) != 0) {
            out.writeDouble(a.estimatedKw);
        }
        if ((flags & KVAR) != 0) {
            writeVarLong(out, a.kvarCount);
            out.writeDouble(a.sumAbsKvar);
        }
        if ((flags & EMITTED) != 0) {
            out.writeBoolean(a.cell.transformerId() != null);
            if (a.cell.transformerId() != null) {
                out.writeUTF(a.cell.transformerId());
            }
            out.writeUTF(a.cell.customerClass());
            out.writeDouble(a.emKwh);
        }
    }

    @Override
    public MeterState deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION && version != VERSION_1) {
            throw new IOException("unknown meter state version " + version);
        }
        MeterState s = new MeterState();
        if (version == VERSION_1) {
            readIntervals(in, version); // the 1-minute slot, never filled
        }
        s.intervals = readIntervals(in, version);
        if (version == VERSION_1) {
            in.readLong(); // and its last real point
            in.readDouble();
        }
        s.lastRealStart = in.readLong();
        s.lastRealKw = in.readDouble();
        s.lastRegTs = in.readLong();
        s.lastRegRaw = in.readDouble();
        s.registerOffset = in.readDouble();
        if (in.readBoolean()) {
            DayAcc d = new DayAcc();
            d.dayStart = in.readLong();
            d.dayEnd = in.readLong();
            d.peakKw = in.readDouble();
            d.peakTs = in.readLong();
            d.valleyKw = in.readDouble();
            d.valleyTs = in.readLong();
            d.sumKw = in.readDouble();
            d.kwh = in.readDouble();
            d.intervals = readVarLong(in);
            d.estimated = readVarLong(in);
            d.kwhByPeriod = new double[(int) readVarLong(in)];
            for (int i = 0; i < d.kwhByPeriod.length; i++) {
                d.kwhByPeriod[i] = in.readDouble();
            }
            s.day = d;
        }
        if (version != VERSION_1) {
            int n = (int) readVarLong(in);
            for (int i = 0; i < n; i++) {
                s.defer(in.readLong(), in.readDouble());
            }
        }
        return s;
    }

    private static IntervalAcc[] readIntervals(DataInputView in, int version) throws IOException {
        IntervalAcc[] accs = new IntervalAcc[(int) readVarLong(in)];
        for (int j = 0; j < accs.length; j++) {
            accs[j] = readAcc(in, version);
        }
        return accs;
    }

    private static IntervalAcc readAcc(DataInputView in, int version) throws IOException {
        IntervalAcc a = new IntervalAcc(in.readLong());
        int flags = in.readUnsignedByte();
        a.registerEvent = in.readByte();
        a.count = readVarLong(in);
        if (a.count > 0) {
            a.sumKw = in.readDouble();
            a.maxKw = in.readDouble();
            a.minKw = in.readDouble();
        }
        int unit = (flags & WHOLE_SECONDS) != 0 ? 1000 : 1;
        int[] seen = new int[(int) readVarLong(in)];
        int previous = 0;
        for (int i = 0; i < seen.length; i++) {
            previous += (int) readVarLong(in) * unit;
            seen[i] = previous;
        }
        a.seen = seen;
        if ((flags & REGISTER) != 0) {
            a.regFirstTs = a.start + readVarLong(in);
            a.regFirst = in.readDouble();
            a.regLastTs = a.start + readVarLong(in);
            a.regLast = in.readDouble();
        }
        if ((flags & ESTIMATED) != 0) {
            a.estimatedKw = in.readDouble();
        }
        if ((flags & KVAR) != 0) {
            a.kvarCount = readVarLong(in);
            a.sumAbsKvar = in.readDouble();
        }
        if ((flags & EMITTED) != 0) {
            a.emitted = true;
            a.cell = version == VERSION_1 ? cellOfVersion1(in.readUTF()) : readCell(in);
            a.emKwh = in.readDouble();
            a.rememberEmittedFromValues();
        }
        return a;
    }

    private static Cell readCell(DataInputView in) throws IOException {
        String transformer = in.readBoolean() ? in.readUTF() : null;
        String customerClass = in.readUTF();
        return Cell.of(transformer, customerClass);
    }

    /** Version 1 wrote {@code "T1|residential"}, and {@code "-|…"} for class-only cells. */
    private static Cell cellOfVersion1(String s) {
        int bar = s.lastIndexOf('|');
        String transformer = s.substring(0, bar);
        return Cell.of(transformer.equals("-") ? null : transformer, s.substring(bar + 1));
    }

    @Override
    public MeterState deserialize(MeterState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    static void writeVarLong(DataOutputView out, long v) throws IOException {
        if (v < 0) {
            throw new IOException("negative value in a varint field: " + v);
        }
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInputView in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("malformed varint");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeterStateSerializer;
    }

    @Override
    public int hashCode() {
        return MeterStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<MeterState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Lets Flink check that a restored checkpoint was written by this serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MeterState> {
        public Snapshot() {
            super(MeterStateSerializer::new);
        }
    }
}
