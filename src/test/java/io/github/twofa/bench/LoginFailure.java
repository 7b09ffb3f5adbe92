package io.github.twofa.bench;

/** A login that did not go as a real user's would: an unexpected page, status or answer. */
final class LoginFailure extends Exception {

    LoginFailure(String message) {
        super(message);
    }
}
