package io.walletplatform.common.errors;

/** A record whose content can never be processed: it goes to the dead-letter topic at once. */
public class InvalidRecordException extends RuntimeException {

  public InvalidRecordException(String message) {
    super(message, null, false, false);
  }
}
