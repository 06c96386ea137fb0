package io.idempo.spring.app;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA access to the ledger. */
public interface LedgerRepository extends JpaRepository<LedgerEntry, Long> {}
