package io.kilowatch.model.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.kilowatch.model.BatchEnvelope;
import io.kilowatch.model.InvalidReadingException;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RejectReason;
import io.kilowatch.model.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates and normalizes what devices publish. Pure: no I/O, so every rule is unit-tested.
 *
 * <p>A reading on {@code meters/{id}/reading} must name meter {@code id}, and a batch on
 * {@code concentrators/{id}/batch} concentrator {@code id}: no device may speak for another. A
 * concentrator batch is split and each reading judged on its own, so one bad reading does not
 * take the good ones with it; with {@link ServedMeters}, a reading of a meter the registry does
 * not say the concentrator reads is one of those ({@code NOT_SERVED}).
 */
public final class ReadingRouter {
    private final ReadingCodec codec;
    private final int maxPayloadBytes;
    private final PlausibilityRules rules;
    private final ServedMeters served;

    /** A router that does not ask which meters a concentrator reads (history import, tests of the other rules). */
    public ReadingRouter(ReadingCodec codec, int maxPayloadBytes, PlausibilityRules rules) {
        this(codec, maxPayloadBytes, rules, new ServedMeters());
    }

    /** @param served which concentrator reads which meter, kept current by the caller */
    public ReadingRouter(ReadingCodec codec, int maxPayloadBytes, PlausibilityRules rules, ServedMeters served) {
        this.codec = codec;
        this.maxPayloadBytes = maxPayloadBytes;
        this.rules = rules;
        this.served = served;
    }

    /** Routes with the bridge's clock as "now" for the timestamp rules. */
    public Routed route(String mqttTopic, byte[] payload) {
        return route(mqttTopic, payload, System.currentTimeMillis());
    }

    public Routed route(String mqttTopic, byte[] payload, long nowMillis) {
        if (payload.length > maxPayloadBytes) {
            return Routed.rejectedWhole(
                    payload, RejectReason.TOO_LARGE, "larger than the limit of " + maxPayloadBytes + " bytes");
        }
        String topicMeter = Topics.meterIdOf(mqttTopic);
        if (topicMeter != null) {
            return routeSingle(topicMeter, payload, nowMillis);
        }
        return routeBatch(Topics.concentratorIdOf(mqttTopic), payload, nowMillis);
    }

    /**
     * Judges one reading that comes with no device's identity to check it against: a row of a
     * recorded file in a history import. Every other rule is the bridge's.
     */
    public Routed routeRecorded(byte[] payload, long nowMillis) {
        if (payload.length > maxPayloadBytes) {
            return Routed.rejectedWhole(
                    payload, RejectReason.TOO_LARGE, "larger than the limit of " + maxPayloadBytes + " bytes");
        }
        try {
            Reading r = codec.decodeReading(payload);
            rules.check(r, nowMillis);
            return new Routed(List.of(new Routed.Accepted(r.meterId(), r.ts(), codec.encode(r))), List.of());
        } catch (InvalidReadingException e) {
            return Routed.rejectedWhole(payload, e.reason(), e.detail());
        }
    }

    private Routed routeSingle(String topicMeter, byte[] payload, long nowMillis) {
        try {
            Reading r = codec.decodeReading(payload);
            if (!r.meterId().equals(topicMeter)) {
                return Routed.rejectedWhole(
                        payload,
                        RejectReason.METER_MISMATCH,
                        "topic is for meter '" + topicMeter + "' but the reading names '" + r.meterId() + "'");
            }
            rules.check(r, nowMillis);
            return new Routed(List.of(new Routed.Accepted(r.meterId(), r.ts(), codec.encode(r))), List.of());
        } catch (InvalidReadingException e) {
            return Routed.rejectedWhole(payload, e.reason(), e.detail());
        }
    }

    private Routed routeBatch(String topicConcentrator, byte[] payload, long nowMillis) {
        BatchEnvelope batch;
        try {
            batch = codec.decodeBatch(payload);
        } catch (InvalidReadingException e) {
            return Routed.rejectedWhole(payload, e.reason(), e.detail());
        }
        if (topicConcentrator != null && !batch.concentratorId().equals(topicConcentrator)) {
            return Routed.rejectedWhole(
                    payload,
                    RejectReason.CONCENTRATOR_MISMATCH,
                    "topic is for concentrator '" + topicConcentrator + "' but the batch names '"
                            + batch.concentratorId() + "'");
        }
        List<Routed.Accepted> accepted = new ArrayList<>(batch.size());
        List<Routed.Rejected> rejected = new ArrayList<>(0);
        for (int i = 0; i < batch.size(); i++) {
            JsonNode node = batch.reading(i);
            try {
                Reading r = codec.decodeReading(node);
                rules.check(r, nowMillis);
                String refusal = served.refusal(batch.concentratorId(), r.meterId());
                if (refusal != null) {
                    throw new InvalidReadingException(RejectReason.NOT_SERVED, refusal);
                }
                accepted.add(new Routed.Accepted(r.meterId(), r.ts(), codec.encode(r)));
            } catch (InvalidReadingException e) {
                rejected.add(new Routed.Rejected(codec.toBytes(node), e.reason(), e.detail(), i));
            }
        }
        return new Routed(accepted, rejected);
    }
}
