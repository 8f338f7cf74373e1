//! Every rule's tests, found by its id, as ruff keeps its test cases per rule: `grep -rn
//! <rule-id> tests/` lands on the rule's row below, which names the tests that exercise it.
//!
//! `cases` are the tests that write a fixture holding vouchers (or assets) the rule must fire on
//! next to look-alikes it must not fire on, and assert the exact set it reports: one fixture is
//! both the must-fire and the must-not-fire case. `also` are other tests that run the rule on
//! real-shaped books: the seed engagement's precision and recall (rules_seed), scope limits,
//! overrides, file formats, `reeval run`. Unit tests in the rule's own file
//! (src/check/rules/<id>.rs) are listed with a `src/` path.
//!
//! `every_rule_in_the_registry_has_its_tests` fails when a rule of `check::REGISTRY` has no row,
//! a row names no rule, or a row names a test that does not exist or does not mention the rule.

pub struct RuleTests {
    /// The rule id, as in `check::REGISTRY` and `data/rules.toml`.
    pub id: &'static str,
    /// `module::test`: a fixture with must-fire and must-not-fire cases, the exact set asserted.
    pub cases: &'static [&'static str],
    /// `module::test`: other tests that run the rule.
    pub also: &'static [&'static str],
}

const SEED: &str = "rules_seed::seed_002_section_7_is_found_with_full_precision_and_recall";
const RUN: &str =
    "run_engagement::run_writes_every_output_they_agree_and_a_rerun_is_byte_identical";
const CSV: &str =
    "load_csv::the_same_ledger_as_gbk_utf8_and_bom_csv_loads_and_checks_like_the_workbook";
const OVERRIDES: &str =
    "rules_supporting::engagement_overrides_parameters_and_adds_local_citations";
const CANNOT: &str = "rules_supporting::rules_say_what_they_could_not_check";
const LINKED: &str = "load_linked::linked_vouchers_are_one_event_for_the_rules";
const ASSETS: &str = "rules_supporting::asset_rules_on_the_register_and_the_inspection";

/// One row per rule, in `REGISTRY` order.
pub const RULE_TESTS: &[RuleTests] = &[
    RuleTests {
        id: "card-settlement",
        cases: &[
            "rules_quality::card_settlement_leaves_payments_to_individuals_by_rule_alone",
            "rules_quality::a_voucher_in_two_categories_counts_once_in_the_problem_amount",
            "rules_wordings::card_settlement",
            "rules_supporting::payment_detail_and_holder_list_decide_card_settlement",
        ],
        also: &[SEED, OVERRIDES, CSV, RUN],
    },
    RuleTests {
        id: "reception-frequency",
        cases: &[
            "rules_quality::reception_frequency_finds_one_reception_reimbursed_in_several_vouchers",
            "rules_wordings::reception_frequency",
            "rules_supporting::reception_ledger_is_used_when_given_and_its_absence_is_a_scope_limit",
        ],
        also: &[SEED, OVERRIDES],
    },
    RuleTests {
        id: "meeting-meal",
        cases: &[
            "rules_quality::meeting_meal_reimbursed_to_a_person_apart_from_the_meetings_bill",
            "rules_quality::keywords_match_as_words_in_meeting_meal_and_three_public_misclass",
            "rules_quality::a_voucher_in_two_categories_counts_once_in_the_problem_amount",
            "rules_wordings::meeting_meal",
            "rules_supporting::meeting_ledger_is_used_when_given",
        ],
        also: &[],
    },
    RuleTests {
        id: "three-public-misclass",
        cases: &[
            "rules_quality::a_voucher_in_two_categories_counts_once_in_the_problem_amount",
            "rules_quality::keywords_match_as_words_in_meeting_meal_and_three_public_misclass","rules_wordings::three_public_misclass"],
        also: &[SEED, RUN],
    },
    RuleTests {
        id: "meal-fee-suspense",
        cases: &["rules_wordings::meal_fee_suspense"],
        also: &[CSV, "load_formats::a_gbk_html_table_saved_as_xls_is_read"],
    },
    RuleTests {
        id: "income-in-suspense",
        cases: &["rules_wordings::income_in_suspense_and_missing_budget_entry"],
        also: &[SEED, RUN],
    },
    RuleTests {
        id: "suspense-spending",
        cases: &["rules_wordings::suspense_spending"],
        also: &[
            SEED,
            CANNOT,
            RUN,
            "load_balances::three_tables_give_names_opening_balances_and_a_closing_reconciliation",
        ],
    },
    RuleTests {
        id: "amount-mismatch",
        cases: &["rules_wordings::amount_mismatch"],
        also: &[
            SEED,
            CSV,
            LINKED,
            RUN,
            "voucher_identity::two_entities_with_the_same_title_unit_stay_two_entities",
            "voucher_identity::the_same_voucher_key_in_two_files_is_listed_and_not_merged",
            "voucher_identity::run_keeps_same_titled_entities_apart_and_warns_in_its_summary",
        ],
    },
    RuleTests {
        id: "missing-budget-entry",
        cases: &["rules_wordings::income_in_suspense_and_missing_budget_entry"],
        also: &[LINKED, CANNOT],
    },
    RuleTests {
        id: "asset-idle",
        cases: &[ASSETS],
        also: &[SEED],
    },
    RuleTests {
        id: "asset-disposal-pending",
        cases: &[ASSETS],
        also: &[],
    },
    RuleTests {
        id: "asset-fully-depreciated",
        cases: &[ASSETS],
        also: &[],
    },
    RuleTests {
        id: "asset-ledger-mismatch",
        cases: &[ASSETS],
        also: &[],
    },
    RuleTests {
        id: "asset-depreciation",
        cases: &[ASSETS],
        also: &[],
    },
    RuleTests {
        id: "weekend-posting",
        cases: &[
            "rules_quality::analytical_procedures_are_kept_apart_from_issues","rules_journal::weekend_posting_uses_the_holiday_calendar"],
        also: &[],
    },
    RuleTests {
        id: "round-amount",
        cases: &[
            "rules_quality::analytical_procedures_are_kept_apart_from_issues","rules_journal::round_amounts_above_the_threshold"],
        also: &[],
    },
    RuleTests {
        id: "voucher-gap",
        cases: &["rules_journal::voucher_gaps_and_backdating_count_voided_numbers_as_used"],
        also: &[],
    },
    RuleTests {
        id: "cash-limit",
        cases: &["rules_journal::cash_payments_over_the_limit"],
        also: &[],
    },
    RuleTests {
        id: "duplicate-payment",
        cases: &[
            "rules_quality::analytical_procedures_are_kept_apart_from_issues","rules_journal::duplicate_payments_to_one_payee_within_the_window"],
        also: &[],
    },
    RuleTests {
        id: "benford",
        cases: &[
            "rules_journal::benford_is_one_population_finding_per_entity_with_its_figures",
            "src/check/rules/benford.rs::benford_population_conforms_and_a_skewed_one_does_not",
        ],
        also: &["src/check/rules/benford.rs::benford_reproduces_published_county_population_figures"],
    },
    RuleTests {
        id: "cutoff",
        cases: &["rules_journal::cutoff_outside_the_period_and_next_year_at_year_end"],
        also: &[],
    },
    RuleTests {
        id: "suspense-aging",
        cases: &["rules_journal::suspense_balances_carried_through_the_year_are_aged"],
        also: &[],
    },
    RuleTests {
        id: "split-purchase",
        cases: &[
            "rules_quality::split_purchase_tests_the_article_with_a_given_threshold",
            "rules_quality::split_purchase_without_a_threshold_and_its_source_is_a_scope_limit",
            "rules_quality::split_purchase_groups_by_budget_project","rules_journal::split_purchases_under_the_threshold_adding_up_over_it"],
        also: &[],
    },
    RuleTests {
        id: "perf-target-quantified",
        cases: &[
            "performance::perf_target_quantified_fires_on_vague_values_in_three_wordings_and_not_on_look_alikes",
            "performance::perf_target_quantified_names_missing_dimensions_and_few_benefit_indicators",
        ],
        also: &[PERF_MISSING, PERF_SAMPLE],
    },
    RuleTests {
        id: "perf-target-tasks",
        cases: &[
            "performance::perf_target_tasks_lists_unmapped_tasks_in_three_wordings_and_maps_look_alikes",
            "performance::perf_target_tasks_is_silent_when_every_task_has_its_indicator",
        ],
        also: &[PERF_MISSING, PERF_SAMPLE],
    },
    RuleTests {
        id: "perf-project-coverage",
        cases: &[
            "performance::perf_project_coverage_counts_the_books_projects_against_targets_and_monitoring",
            "performance::perf_project_coverage_takes_a_missing_monitoring_report_from_the_document_list",
        ],
        also: &[
            PERF_MISSING,
            PERF_SAMPLE,
            "performance::perf_project_coverage_without_a_project_dimension_is_a_scope_limit",
        ],
    },
    RuleTests {
        id: "perf-documents",
        cases: &["performance::perf_documents_missing_required_is_a_finding_other_missing_a_scope_limit"],
        also: &[PERF_MISSING, PERF_SAMPLE],
    },
    RuleTests {
        id: "perf-self-evaluation",
        cases: &["performance::perf_self_evaluation_finds_untrue_and_unfounded_scores_in_three_wordings"],
        also: &[PERF_MISSING, PERF_SAMPLE],
    },
];

const PERF_MISSING: &str = "performance::perf_missing_inputs_are_scope_limits_never_a_silent_pass";
const PERF_SAMPLE: &str = "performance::perf_sample_run_reports_section_7_1_and_self_scores";

/// The source of every module a row may name.
const SOURCES: &[(&str, &str)] = &[
    ("rules_journal", include_str!("rules_journal.rs")),
    ("rules_quality", include_str!("rules_quality.rs")),
    ("rules_seed", include_str!("rules_seed.rs")),
    ("rules_supporting", include_str!("rules_supporting.rs")),
    ("rules_wordings", include_str!("rules_wordings.rs")),
    ("run_engagement", include_str!("run_engagement.rs")),
    ("load_csv", include_str!("load_csv.rs")),
    ("load_formats", include_str!("load_formats.rs")),
    ("load_balances", include_str!("load_balances.rs")),
    ("load_linked", include_str!("load_linked.rs")),
    ("voucher_identity", include_str!("voucher_identity.rs")),
    ("performance", include_str!("performance.rs")),
    (
        "src/check/rules/benford.rs",
        include_str!("../../src/check/rules/benford.rs"),
    ),
];

/// The text of test `name` in `module`: from its `fn` to the next `#[test]`.
fn test_body(path: &str) -> Option<&'static str> {
    let (module, name) = path.rsplit_once("::")?;
    let (_, src) = SOURCES.iter().find(|(m, _)| *m == module)?;
    let start = src
        .find(&format!("#[test]\nfn {name}()"))
        .or_else(|| src.find(&format!("#[test]\n    fn {name}()")))?;
    let rest = &src[start + "#[test]".len()..];
    Some(&rest[..rest.find("#[test]").unwrap_or(rest.len())])
}

#[test]
fn every_rule_in_the_registry_has_its_tests() {
    let registry: Vec<&str> = reeval::check::REGISTRY.iter().map(|(d, _)| d.id).collect();
    let rows: Vec<&str> = RULE_TESTS.iter().map(|r| r.id).collect();
    for id in &registry {
        assert!(
            rows.contains(id),
            "rule {id} has no row in tests/cli/rules_by_id.rs RULE_TESTS: name the tests with its must-fire and must-not-fire fixtures"
        );
    }
    assert_eq!(rows, registry, "one row per rule, in REGISTRY order");
    for row in RULE_TESTS {
        assert!(
            !row.cases.is_empty(),
            "{}: no must-fire / must-not-fire test",
            row.id
        );
        for t in row.cases.iter().chain(row.also) {
            let body = test_body(t).unwrap_or_else(|| panic!("{}: no test {t}", row.id));
            assert!(
                body.contains(row.id),
                "{}: test {t} does not name the rule",
                row.id
            );
        }
    }
}
