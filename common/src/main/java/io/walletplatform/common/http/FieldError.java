package io.walletplatform.common.http;

/** One offending input: the field (JSON property, path or query parameter, header) and what is wrong with it. */
public record FieldError(String field, String message) {
}
