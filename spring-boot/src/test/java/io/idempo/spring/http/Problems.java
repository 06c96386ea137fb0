package io.idempo.spring.http;

import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultMatcher;

/** What the tests expect of the starter's problem details for a request refused before it ran. */
final class Problems {

  private Problems() {}

  /** A 400 problem detail ({@code application/problem+json}) of {@code type} saying {@code detail}. */
  static ResultMatcher badRequest(String type, String detail) {
    ResultMatcher[] all = {
      status().isBadRequest(),
      content().contentType(MediaType.APPLICATION_PROBLEM_JSON),
      jsonPath("$.type").value(type),
      jsonPath("$.detail").value(detail)
    };
    return result -> {
      for (ResultMatcher matcher : all) {
        matcher.match(result);
      }
    };
  }
}
