package io.idempo.spring.httpadvice;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.spring.http.HttpApplication;
import io.idempo.spring.web.IdempotencyProblemAdvice;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The application's own {@code @RestControllerAdvice} answers the exceptions it handles, before the
 * starter's {@link IdempotencyProblemAdvice}, which still answers the others.
 */
@SpringBootTest(
    classes = {HttpApplication.class, ApplicationAdvice.class},
    properties = "spring.sql.init.schema-locations=classpath:http/schema.sql")
@AutoConfigureMockMvc
class ApplicationAdviceTest {

  @Autowired MockMvc mvc;
  @Autowired ApplicationContext context;

  @Test
  void theApplicationsAdviceWinsForWhatItHandles() throws Exception {
    mvc.perform(post("/payments").contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isBadRequest())
        .andExpect(
            content()
                .string(
                    "our own answer: request to POST /payments (PaymentController#create) has no"
                        + " Idempotency-Key header"));
  }

  @Test
  void theStartersAdviceIsStillThereForTheRest() {
    assertThat(context.getBeansOfType(IdempotencyProblemAdvice.class)).hasSize(1);
  }
}
