package io.idempo.spring.http;

/** {@link HttpEndpointContract} on the embedded H2 database Spring Boot configures. */
class H2HttpEndpointTest extends HttpEndpointContract {}
