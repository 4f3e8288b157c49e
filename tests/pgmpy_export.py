"""The exact reference for the tests: sub-networks exported to pgmpy, whose inference our vectorized
posterior must equal (tests/test_pgmpy_exact.py)."""

from __future__ import annotations

import numpy as np
from pgmpy.factors.discrete import NoisyORCPD, TabularCPD
from pgmpy.models import DiscreteBayesianNetwork

from inference.engine import Diagnoser
from inference.evidence import Evidence
from inference.term_columns import consult_or_rare_sensitivity, exclusion_sensitivities

OTHER = "other"


def _node(term: str) -> str:
    return term.replace(":", "_")


def differential_network(
    diagnoser: Diagnoser, evidence: Evidence, candidates: list[int]
) -> tuple[DiscreteBayesianNetwork, dict[str, str]]:
    """Disease (one of the candidates, or 'other') -> finding (present/absent) -> report of it.

    A present finding is reported absent with probability 1 - s_D (the report sensitivity of the
    disease's knowledge source in the context), present with a constant probability (it cancels).

    The disease prior is the context prior times the age/sex and unreported-feature likelihoods; each
    finding's CPD column is the noisy-OR likelihood the engine uses. Exact with temperature 1, identity
    calibration and no severity weights."""
    kb = diagnoser.kb
    findings, _ = diagnoser.scored_findings(evidence)
    states = [kb.disease_ids[i] for i in candidates] + [OTHER]
    demographic = diagnoser.demographics.log_likelihood(
        diagnoser.params, evidence.age_years, evidence.sex, evidence.onset
    )
    unreported = diagnoser.unreported_log_likelihood(findings)
    log_prior = (diagnoser.log_prior(evidence.context) + demographic + unreported)[candidates]
    prior = np.append(np.exp(log_prior), diagnoser.params.other_prior)
    model = DiscreteBayesianNetwork()
    model.add_node("Disease")
    cpds = [
        TabularCPD(
            "Disease", len(states), (prior / prior.sum()).reshape(-1, 1), state_names={"Disease": states}
        )
    ]
    observed: dict[str, str] = {}
    # a reported absence: the report's sensitivity depends on the disease's knowledge source and the context
    sensitivity = np.append(
        exclusion_sensitivities(diagnoser.network, evidence.context)[candidates],
        consult_or_rare_sensitivity(diagnoser.params, evidence.context),
    )
    n_states = len(states)
    for finding in findings:
        columns = diagnoser.cache.columns(kb.term_index[finding.term])
        present = np.append(np.exp(columns.log_present(diagnoser.network))[candidates], columns.background)
        node, report = _node(finding.term), "R_" + _node(finding.term)
        model.add_edge("Disease", node)
        model.add_edge(node, report)
        cpds.append(
            TabularCPD(
                node,
                2,
                np.vstack([1.0 - present, present]),
                evidence=["Disease"],
                evidence_card=[len(states)],
                state_names={node: ["absent", "present"], "Disease": states},
            )
        )
        # report states: absent / present / not reported. A present finding is reported absent with
        # probability 1 - s_D (the report sensitivity of the disease's source and context), present with one
        # constant k = min(s) (it cancels in the posterior), and otherwise left unreported.
        constant = float(sensitivity.min())
        cpds.append(
            TabularCPD(
                report,
                3,
                [
                    np.concatenate([np.ones(n_states), 1.0 - sensitivity]),
                    np.concatenate([np.zeros(n_states), np.full(n_states, constant)]),
                    np.concatenate([np.zeros(n_states), sensitivity - constant]),
                ],
                evidence=[node, "Disease"],
                evidence_card=[2, n_states],
                state_names={
                    report: ["absent", "present", "unreported"],
                    node: ["absent", "present"],
                    "Disease": states,
                },
            )
        )
        model.add_edge("Disease", report)
        observed[report] = "present" if finding.present else "absent"
    model.add_cpds(*cpds)
    model.check_model()
    return model, observed


def finding_noisy_or_network(
    diagnoser: Diagnoser, disease: int, term_id: str
) -> tuple[DiscreteBayesianNetwork, str]:
    """Three layers for one disease and one finding: Disease -> annotated manifestations -> finding, with a
    leak and a 'related' cause, all as pgmpy NoisyOR CPDs. Returns the model and the finding node."""
    net = diagnoser.network
    term = diagnoser.kb.term_index[term_id]
    columns = diagnoser.cache.columns(term)
    start, end = net.ann_ptr[disease], net.ann_ptr[disease + 1]
    below = set(net.descendants_of(term).tolist())
    causes = [
        (f"M_{diagnoser.kb.term_ids[t].replace(':', '_')}", float(s))
        for t, s in zip(net.ann_term[start:end].tolist(), net.ann_strength[start:end].tolist(), strict=True)
        if t in below
    ]
    causes.append(("Related", float(columns.effective_related(net)[disease])))
    causes.append(("Leak", float(columns.leaks(net)[disease])))
    finding = _node(term_id)
    model = DiscreteBayesianNetwork()
    truth = ["True", "False"]
    cpds = [TabularCPD("D", 2, [[1.0], [0.0]], state_names={"D": truth})]
    for name, strength in causes:
        model.add_edge("D", name)
        cpds.append(NoisyORCPD(name, [strength], ["D"]))
        model.add_edge(name, finding)
    cpds.append(NoisyORCPD(finding, [1.0] * len(causes), [name for name, _ in causes]))
    model.add_cpds(*cpds)
    model.check_model()
    return model, finding
