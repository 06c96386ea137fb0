/**
 * Idempotent HTTP endpoints in Spring MVC: {@link io.idempo.spring.web.ResponseEntityCodec}, which
 * stores a controller's response for a retry, the idempotency key header check, and RFC 9457
 * problem details for Idempo's exceptions. See {@code docs/http.md}.
 */
package io.idempo.spring.web;
