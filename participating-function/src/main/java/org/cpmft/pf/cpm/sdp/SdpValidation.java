package org.cpmft.pf.cpm.sdp;

import java.util.List;
import java.util.Optional;

/** The outcome of {@link SdpValidator}: the problems found, in m-line order (empty when valid). */
public record SdpValidation(List<SdpProblem> problems) {

    public SdpValidation {
        problems = List.copyOf(problems);
    }

    public boolean isValid() {
        return problems.isEmpty();
    }

    /** The problem a 488 Warning reports (the first one found). */
    public Optional<SdpProblem> first() {
        return problems.isEmpty() ? Optional.empty() : Optional.of(problems.get(0));
    }

    /** The problems that make an answer unusable for the relay ({@link SdpProblem.Code#blocksRelay()}). */
    public List<SdpProblem> blocking() {
        return problems.stream().filter(p -> p.code().blocksRelay()).toList();
    }

    public boolean has(SdpProblem.Code code) {
        return problems.stream().anyMatch(p -> p.code() == code);
    }
}
