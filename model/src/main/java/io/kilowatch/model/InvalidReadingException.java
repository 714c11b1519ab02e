package io.kilowatch.model;

/** A payload or reading that cannot be accepted, with the reason an operator will see. */
public final class InvalidReadingException extends Exception {
    private final RejectReason reason;

    public InvalidReadingException(RejectReason reason, String detail) {
        super(detail, null, false, false); // no stack trace: rejects are data, not bugs
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
