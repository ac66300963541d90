//! The built-in scorer: deterministic, explainable, no network. It checks which of a
//! question's key points the transcript or text mentions (normalised, stemmed word
//! matching, with alternatives written in the key point and a small synonym table) and
//! how complete the answer is for the time it had. It reads words, not meaning, and the
//! interface labels it "Rubric match (built-in, not AI)".
//!
//! Key points may name alternatives: `indexes / indices`, `caching or memoization`,
//! `explain plan (EXPLAIN ANALYZE, query plan)`.

use std::collections::HashSet;

use super::model::{
    AnswerContent, AnswerScore, InterviewForScoring, QuestionForScoring, Recommendation, Scorecard, overall_score,
};

pub const PROVIDER: &str = "rubric";
/// Change when the matching or the weights change: results record it.
pub const VERSION: &str = "v1";

/// Words beyond this are not read: enough for any answer, bounded for pasted novels.
const MAX_WORDS: usize = 20_000;
/// Roughly how many words a minute of answer time holds.
const SPOKEN_WORDS_PER_MINUTE: f64 = 130.0;
const TYPED_WORDS_PER_MINUTE: f64 = 40.0;
/// How much of the score is key-point coverage; the rest is completeness.
const COVERAGE_WEIGHT: f64 = 0.75;

/// One answer's match: the score and the 0–1 value it was rounded from.
#[derive(Debug)]
pub struct AnswerMatch {
    pub result: AnswerScore,
    pub value: Option<f64>,
    pub words: usize,
}

pub fn score_interview(interview: &InterviewForScoring) -> Scorecard {
    let matches: Vec<AnswerMatch> = interview.questions.iter().map(score_answer).collect();
    let values: Vec<Option<f64>> = matches.iter().map(|m| m.value).collect();
    let overall_score = overall_score(&values);
    let recommendation = overall_score.map(Recommendation::for_score);

    let (mut strengths, mut concerns) = (Vec::new(), Vec::new());
    let (mut covered, mut total, mut unanswered, mut unscored) = (0, 0, 0, 0);
    for (question, m) in interview.questions.iter().zip(&matches) {
        let n = question.number;
        match &question.content {
            AnswerContent::Unanswered => {
                unanswered += 1;
                concerns.push(format!("Question {n} was not answered."));
            }
            AnswerContent::NoTranscript(_) => {
                unscored += 1;
                concerns.push(format!("Question {n} was not scored: its video has no transcript."));
            }
            AnswerContent::Typed(_) | AnswerContent::Transcribed(_) => {
                if m.result.score.unwrap_or(0) >= 4 && !m.result.covered.is_empty() {
                    strengths.push(format!("Question {n}: covers {}.", m.result.covered.join(", ")));
                }
                if !m.result.missed.is_empty() {
                    concerns.push(format!("Question {n}: does not mention {}.", m.result.missed.join(", ")));
                }
                if m.words == 0 {
                    concerns.push(format!("Question {n}: the answer is empty."));
                }
            }
        }
        if !matches!(question.content, AnswerContent::NoTranscript(_)) {
            covered += m.result.covered.len();
            total += question.key_points.len();
        }
    }
    let mut summary = match values.iter().any(Option::is_some) {
        true => format!(
            "Rubric match: the answers mention {covered} of {total} key point{} across {} question{}.",
            plural(total),
            interview.questions.len() - unscored,
            plural(interview.questions.len() - unscored)
        ),
        false => "Rubric match: no answer could be scored.".to_owned(),
    };
    if unanswered > 0 {
        summary.push_str(&format!(
            " {unanswered} question{} not answered.",
            if unanswered == 1 { " was" } else { "s were" }
        ));
    }
    if unscored > 0 {
        summary.push_str(&format!(" {unscored} video answer{} without transcript not scored.", plural(unscored)));
    }
    summary.push_str(" This counts words that match the key points; it does not judge the quality of the reasoning.");

    Scorecard {
        overall_score,
        recommendation,
        summary,
        strengths,
        concerns,
        answers: matches.into_iter().map(|m| m.result).collect(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn score_answer(question: &QuestionForScoring) -> AnswerMatch {
    if let Some(result) = AnswerScore::without_words(question) {
        let value = result.score.map(|_| 0.0);
        return AnswerMatch { result, value, words: 0 };
    }
    let text = question.content.text().unwrap_or_default();
    let raw_words = words(text);
    let word_count = raw_words.len();
    let terms = answer_terms(&raw_words);

    let (mut covered, mut missed) = (Vec::new(), Vec::new());
    for point in &question.key_points {
        if key_point_matches(point, &terms) {
            covered.push(point.clone());
        } else {
            missed.push(point.clone());
        }
    }
    let per_minute = if matches!(question.content, AnswerContent::Transcribed(_)) {
        SPOKEN_WORDS_PER_MINUTE
    } else {
        TYPED_WORDS_PER_MINUTE
    };
    let expected = (f64::from(question.answer_seconds.max(10)) / 60.0 * per_minute).max(1.0);
    // Full marks for completeness at half of what the time allows: nobody should have to fill it.
    let completeness = (word_count as f64 / (expected / 2.0)).min(1.0);
    let value = if question.key_points.is_empty() {
        completeness
    } else {
        let coverage = covered.len() as f64 / question.key_points.len() as f64;
        COVERAGE_WEIGHT * coverage + (1.0 - COVERAGE_WEIGHT) * completeness
    };
    let value = if word_count == 0 { 0.0 } else { value };
    let score = 1 + (value * 4.0).round() as i32;

    let mut reason = if word_count == 0 {
        "The answer is empty.".to_owned()
    } else if question.key_points.is_empty() {
        "This question has no key points, so only completeness is scored.".to_owned()
    } else {
        let mut reason = format!(
            "Mentions {} of {} key point{}",
            covered.len(),
            question.key_points.len(),
            plural(question.key_points.len())
        );
        if !covered.is_empty() {
            reason.push_str(&format!(" ({})", covered.join(", ")));
        }
        reason.push('.');
        if !missed.is_empty() {
            reason.push_str(&format!(" Not mentioned: {}.", missed.join(", ")));
        }
        reason
    };
    if word_count > 0 {
        let length = match word_count as f64 / expected {
            r if r < 0.25 => "very short",
            r if r < 0.5 => "short",
            r if r <= 1.5 => "complete",
            _ => "long",
        };
        let minutes = f64::from(question.answer_seconds) / 60.0;
        let time =
            if minutes.fract() == 0.0 { format!("{minutes:.0} min") } else { format!("{} s", question.answer_seconds) };
        reason.push_str(&format!(" {word_count} word{}: {length} for {time} of answer time.", plural(word_count)));
    }
    AnswerMatch {
        result: AnswerScore { score: Some(score.clamp(1, 5)), reason, covered, missed },
        value: Some(value),
        words: word_count,
    }
}

/// Lowercase words of letters and digits; hyphens and punctuation separate words.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// Every word's stem, and the stem of each pair of neighbours written together, so that
/// "trade offs", "trade-offs" and "tradeoffs" all match.
fn answer_terms(words: &[String]) -> HashSet<String> {
    let mut terms: HashSet<String> = words.iter().map(|w| stem(w)).collect();
    for pair in words.windows(2) {
        terms.insert(stem(&format!("{}{}", pair[0], pair[1])));
    }
    terms
}

/// Whether any of a key point's alternatives is mentioned: all of its words when it has
/// one or two, at least two thirds of them when it has more.
pub fn key_point_matches(point: &str, terms: &HashSet<String>) -> bool {
    alternatives(point).iter().any(|alternative| {
        let needed: Vec<Vec<String>> = alternative.iter().map(|term| acceptable_stems(term)).collect();
        if needed.is_empty() {
            return false;
        }
        let found = needed.iter().filter(|forms| forms.iter().any(|f| terms.contains(f))).count();
        let required = if needed.len() <= 2 { needed.len() } else { (needed.len() * 2).div_ceil(3) };
        found >= required
    })
}

/// The alternatives a key point names, each as its content words (a hyphenated word
/// stays one word: "trade-offs" is "tradeoffs").
fn alternatives(point: &str) -> Vec<Vec<String>> {
    let lowered = point.to_lowercase();
    let mut parts: Vec<String> = Vec::new();
    // Between the first "(" and the last ")": alternatives; around them: the key point.
    let bracketed = lowered.split_once('(').and_then(|(before, rest)| {
        rest.rsplit_once(')').map(|(inside, after)| (format!("{before} {after}"), Some(inside.to_owned())))
    });
    let (outside, inside) = bracketed.unwrap_or_else(|| (lowered.clone(), None));
    for piece in outside.split(['/', '|', ';']).flat_map(|p| p.split(" or ")) {
        parts.push(piece.to_owned());
    }
    if let Some(inside) = inside {
        let inside = inside.trim_start_matches("e.g.").trim_start_matches("eg ").trim_start_matches("i.e.");
        parts.extend(inside.split([',', '/', '|', ';']).flat_map(|p| p.split(" or ")).map(str::to_owned));
    }
    parts
        .iter()
        .map(|part| {
            part.split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .map(|w| w.replace('-', ""))
                .filter(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
                .collect::<Vec<_>>()
        })
        .filter(|alternative| !alternative.is_empty())
        .collect()
}

/// A key point word's stem and the stems of its synonyms.
fn acceptable_stems(word: &str) -> Vec<String> {
    let own = stem(word);
    let mut forms = vec![own.clone()];
    for group in SYNONYMS {
        if group.iter().any(|w| stem(w) == own) {
            forms.extend(group.iter().map(|w| stem(w)));
        }
    }
    forms
}

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from", "as", "is", "are", "be",
    "it", "its", "that", "this", "their", "them", "they", "how", "what", "why", "when", "about", "into", "vs",
    "versus",
];

/// Small, generic groups of words that mean the same in interview answers.
const SYNONYMS: &[&[&str]] = &[
    &["tradeoff", "compromise", "downside", "drawback"],
    &["index", "indices"],
    &["explain", "analyze", "analyse"],
    &["scalability", "scale", "scaling", "scalable"],
    &["performance", "latency", "throughput", "speed", "fast", "slow"],
    &["kindness", "kind", "respectful", "respect", "empathy", "empathetic", "constructive", "considerate"],
    &["correctness", "correct", "bug", "bugs", "accurate"],
    &["test", "testing", "tests", "verify"],
    &["colleague", "teammate", "coworker", "peer"],
    &["customer", "client", "user"],
    &["cost", "price", "budget", "expense"],
    &["security", "secure", "vulnerability"],
    &["cache", "caching", "memoization", "memoize"],
    &["monitor", "monitoring", "observability", "metrics", "alerting"],
];

/// A light suffix-stripping stemmer: one suffix, then a final "e" and a doubled
/// consonant. It only needs to make an answer's words meet a key point's.
pub fn stem(word: &str) -> String {
    let word = word.to_lowercase();
    if word.chars().count() <= 3 || !word.is_ascii() {
        return word;
    }
    const RULES: &[(&str, &str, usize)] = &[
        ("ability", "", 3),
        ("ibility", "", 3),
        ("ations", "", 3),
        ("ation", "", 3),
        ("ments", "", 3),
        ("ment", "", 3),
        ("ness", "", 3),
        ("ings", "", 3),
        ("ing", "", 3),
        ("able", "", 3),
        ("ible", "", 3),
        ("ies", "y", 2),
        ("ied", "y", 2),
        ("ity", "", 4),
        ("ive", "", 4),
        ("ful", "", 3),
        ("ers", "", 4),
        ("er", "", 4),
        ("ed", "", 3),
        ("ly", "", 4),
        ("al", "", 4),
    ];
    let mut stemmed = word.clone();
    let mut undouble = false;
    let mut matched = false;
    for (suffix, replacement, min_left) in RULES {
        if let Some(rest) = word.strip_suffix(suffix)
            && rest.len() >= *min_left
        {
            stemmed = format!("{rest}{replacement}");
            undouble = matches!(*suffix, "ing" | "ings" | "ed");
            matched = true;
            break;
        }
    }
    // A plural loses its "s" ("-es" then loses its "e" below: "indexes", "caches").
    if !matched && let Some(rest) = word.strip_suffix('s').filter(|r| r.len() >= 3 && !r.ends_with(['s', 'u', 'i'])) {
        stemmed = rest.to_owned();
    }
    if stemmed.len() > 3 && stemmed.ends_with('e') {
        stemmed.pop();
    }
    let bytes = stemmed.as_bytes();
    if undouble && bytes.len() > 3 {
        let (last, before) = (bytes[bytes.len() - 1], bytes[bytes.len() - 2]);
        if last == before && !b"aeioulsz".contains(&last) {
            stemmed.pop();
        }
    }
    stemmed
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn question(
        number: usize,
        kind: &str,
        seconds: i32,
        points: &[&str],
        content: AnswerContent,
    ) -> QuestionForScoring {
        QuestionForScoring {
            question_id: Uuid::nil(),
            number,
            prompt: format!("Question {number}"),
            key_points: points.iter().map(|p| p.to_string()).collect(),
            answer_kind: kind.into(),
            answer_seconds: seconds,
            content,
        }
    }

    fn typed(points: &[&str], text: &str) -> QuestionForScoring {
        question(1, "text", 120, points, AnswerContent::Typed(text.into()))
    }

    #[test]
    fn stems_meet_across_word_forms() {
        for (a, b) in [
            ("indexes", "index"),
            ("indexing", "index"),
            ("kindness", "kind"),
            ("tradeoffs", "tradeoff"),
            ("scaling", "scale"),
            ("scalability", "scalable"),
            ("queries", "query"),
            ("running", "run"),
            ("tested", "tests"),
            ("correctness", "correct"),
            ("deployment", "deploy"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_ne!(stem("status"), stem("stat"));
    }

    #[test]
    fn plurals_lose_their_s_or_es() {
        for (plural, stemmed) in
            [("caches", "cach"), ("taxes", "tax"), ("axes", "axe"), ("uses", "use"), ("staffs", "staff")]
        {
            assert_eq!(stem(plural), stemmed, "{plural}");
        }
    }

    #[test]
    fn words_ending_in_ss_us_or_is_are_not_plurals() {
        for word in ["class", "status", "analysis"] {
            assert_eq!(stem(word), word);
        }
    }

    #[test]
    fn only_ing_and_ed_forms_lose_a_doubled_consonant() {
        assert_eq!((stem("planning"), stem("planned"), stem("adding")), ("plan".into(), "plan".into(), "add".into()));
        assert_eq!(stem("staffs"), "staff");
        assert_eq!(stem("calling"), "call", "l, s and z stay doubled");
    }

    #[test]
    fn words_with_letters_outside_ascii_are_left_whole() {
        assert_eq!(stem("Cafés"), "cafés");
        assert_eq!(stem("Übungen"), "übungen");
    }

    #[test]
    fn words_of_three_letters_or_fewer_are_left_whole() {
        assert_eq!((stem("Bed"), stem("ies"), stem("uses")), ("bed".into(), "ies".into(), "use".into()));
    }

    #[test]
    fn covers_and_misses_the_right_key_points_of_real_answers() {
        let slow_query = question(
            2,
            "video",
            120,
            &["explain plan", "indexes"],
            AnswerContent::Transcribed(
                "First I'd reproduce it and run EXPLAIN ANALYZE to see the query plan. Usually it's a sequential \
                 scan, so I check whether the right index exists and whether statistics are stale."
                    .into(),
            ),
        );
        let m = score_answer(&slow_query);
        assert_eq!(m.result.covered, ["explain plan", "indexes"]);
        assert!(m.result.missed.is_empty());

        let review = typed(
            &["kindness", "correctness"],
            "I read the change top to bottom, run the tests locally and look for edge cases the author may have \
             missed. I phrase comments as questions and keep them respectful.",
        );
        let m = score_answer(&review);
        assert_eq!(m.result.covered, ["kindness"]);
        assert_eq!(m.result.missed, ["correctness"]);
        assert!(
            m.result.reason.contains("Mentions 1 of 2 key points (kindness). Not mentioned: correctness."),
            "{}",
            m.result.reason
        );

        let design = question(
            1,
            "video",
            120,
            &["trade-offs", "scalability"],
            AnswerContent::Transcribed(
                "We chose Postgres over a document store; the trade offs were about consistency.".into(),
            ),
        );
        let m = score_answer(&design);
        assert_eq!(m.result.covered, ["trade-offs"]);
        assert_eq!(m.result.missed, ["scalability"]);
    }

    #[test]
    fn alternatives_written_in_the_key_point_count() {
        let terms = |text: &str| answer_terms(&words(text));
        assert!(key_point_matches("caching / memoization", &terms("we memoize the results")));
        assert!(key_point_matches(
            "explain plan (EXPLAIN ANALYZE, query plan)",
            &terms("I would look at the query plan")
        ));
        assert!(key_point_matches("rollback or feature flag", &terms("ship it behind a feature flag")));
        assert!(!key_point_matches("rollback or feature flag", &terms("ship it on Friday")));
        // Three or more words: two thirds of them are enough.
        assert!(key_point_matches("profile before optimising", &terms("profile it, then optimise")));
        assert!(!key_point_matches("profile before optimising", &terms("optimise it")));
    }

    #[test]
    fn a_key_point_of_four_words_needs_three_of_them() {
        let terms = |text: &str| answer_terms(&words(text));
        let point = "automated regression test suite";
        assert!(key_point_matches(point, &terms("an automated suite of regression checks")));
        assert!(!key_point_matches(point, &terms("an automated suite")));
    }

    #[test]
    fn brackets_name_alternatives_and_the_words_around_them_the_key_point() {
        let words = |groups: &[&[&str]]| -> Vec<Vec<String>> {
            groups.iter().map(|group| group.iter().map(|w| w.to_string()).collect()).collect()
        };
        assert_eq!(
            alternatives("Explain plan (EXPLAIN ANALYZE, query plan)"),
            words(&[&["explain", "plan"], &["explain", "analyze"], &["query", "plan"]])
        );
        assert_eq!(alternatives("caching (memoization) layer"), words(&[&["caching", "layer"], &["memoization"]]));
        assert_eq!(
            alternatives("testing (e.g. unit tests, integration tests)"),
            words(&[&["testing"], &["unit", "tests"], &["integration", "tests"]])
        );
    }

    #[test]
    fn unpaired_brackets_are_ordinary_punctuation() {
        let words = |list: &[&str]| vec![list.iter().map(|w| w.to_string()).collect::<Vec<_>>()];
        assert_eq!(alternatives("tests (unit"), words(&["tests", "unit"]));
        assert_eq!(alternatives("x) y (z"), words(&["x", "y", "z"]));
    }

    #[test]
    fn is_deterministic() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![
                typed(&["kindness", "correctness"], "I check correctness first and stay kind."),
                question(2, "text", 60, &["tests"], AnswerContent::Unanswered),
            ],
        };
        let first = score_interview(&interview);
        for _ in 0..5 {
            assert_eq!(score_interview(&interview), first);
        }
        assert_eq!(first.answers[1].score, Some(1));
        assert_eq!(first.answers[1].missed, ["tests"]);
    }

    #[test]
    fn handles_empty_and_very_long_answers() {
        let empty = score_answer(&typed(&["kindness"], "   "));
        assert_eq!(empty.result.score, Some(1));
        assert_eq!(empty.result.reason, "The answer is empty.");
        assert_eq!(empty.result.missed, ["kindness"]);

        let long_text = "Correctness matters and I stay kind in every review. ".repeat(10_000);
        let started = std::time::Instant::now();
        let long = score_answer(&typed(&["kindness", "correctness"], &long_text));
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(long.result.score, Some(5));
        assert_eq!(long.words, MAX_WORDS);
        assert!(long.result.reason.contains("long for 2 min"), "{}", long.result.reason);
    }

    #[test]
    fn completeness_depends_on_the_answer_time() {
        let short = "I look for bugs and stay kind.";
        let brief = score_answer(&typed(&["kindness", "correctness"], short));
        let full =
            score_answer(&typed(&["kindness", "correctness"], &format!("{short} {}", "More detail here. ".repeat(15))));
        assert!(brief.result.score < full.result.score);
        assert!(brief.result.reason.contains("very short"));
    }

    /// A typed answer to a question with no key points, 2 minutes long: 40 words are full marks.
    fn words_only(number: usize, words: usize) -> QuestionForScoring {
        question(number, "text", 120, &[], AnswerContent::Typed("word ".repeat(words)))
    }

    #[test]
    fn the_overall_score_is_the_mean_of_the_scored_answers_in_percent() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![
                words_only(1, 20),
                words_only(2, 40),
                question(3, "text", 120, &["tests"], AnswerContent::Unanswered),
            ],
        };
        let card = score_interview(&interview);
        // (0.5 + 1.0 + 0.0) / 3: an unanswered question counts as nothing said.
        assert_eq!(card.overall_score, Some(50));
        assert_eq!(card.recommendation, Some(Recommendation::Maybe));
    }

    #[test]
    fn an_answer_not_scored_leaves_the_interview_without_overall_score_or_recommendation() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![
                words_only(1, 40),
                question(2, "video", 120, &["tests"], AnswerContent::NoTranscript("no service".into())),
            ],
        };
        let card = score_interview(&interview);
        assert_eq!(card.answers[0].score, Some(5));
        assert_eq!((card.overall_score, card.recommendation), (None, None));
        assert!(card.summary.starts_with("Rubric match: the answers mention 0 of 0 key points across 1 question."));
    }

    #[test]
    fn strengths_name_the_key_points_of_answers_scoring_four_or_more() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![
                question(
                    1,
                    "text",
                    120,
                    &["kindness", "correctness"],
                    AnswerContent::Typed("I check correctness and stay kind.".into()),
                ),
                words_only(2, 40),
                question(3, "text", 120, &["kindness", "tests"], AnswerContent::Typed("I stay kind.".into())),
            ],
        };
        let card = score_interview(&interview);
        assert_eq!(card.answers.iter().map(|a| a.score).collect::<Vec<_>>(), [Some(4), Some(5), Some(3)]);
        assert_eq!(card.strengths, ["Question 1: covers kindness, correctness."]);
    }

    #[test]
    fn concerns_name_unanswered_unscored_missed_and_empty_answers() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![
                question(1, "text", 120, &["tests"], AnswerContent::Unanswered),
                question(2, "video", 120, &["tests"], AnswerContent::NoTranscript("no service".into())),
                question(3, "text", 120, &["tests"], AnswerContent::Typed("  ".into())),
                question(4, "text", 120, &["tests"], AnswerContent::Typed("I write tests first.".into())),
            ],
        };
        assert_eq!(
            score_interview(&interview).concerns,
            [
                "Question 1 was not answered.",
                "Question 2 was not scored: its video has no transcript.",
                "Question 3: does not mention tests.",
                "Question 3: the answer is empty.",
            ]
        );
    }

    const CAVEAT: &str =
        " This counts words that match the key points; it does not judge the quality of the reasoning.";

    #[test]
    fn the_summary_counts_the_key_points_of_answers_that_could_be_scored() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![
                question(1, "text", 120, &["kindness", "tests"], AnswerContent::Typed("I stay kind.".into())),
                question(2, "video", 120, &["a", "b", "c"], AnswerContent::NoTranscript("no service".into())),
                question(3, "text", 120, &["tests"], AnswerContent::Unanswered),
                question(4, "text", 120, &["tests"], AnswerContent::Unanswered),
            ],
        };
        assert_eq!(
            score_interview(&interview).summary,
            format!(
                "Rubric match: the answers mention 1 of 4 key points across 3 questions. 2 questions were not \
                 answered. 1 video answer without transcript not scored.{CAVEAT}"
            )
        );
    }

    #[test]
    fn the_summary_speaks_of_one_question_in_the_singular() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![
                question(1, "text", 120, &["tests"], AnswerContent::Unanswered),
                question(2, "video", 120, &["tests"], AnswerContent::NoTranscript("no service".into())),
                question(3, "video", 120, &["tests"], AnswerContent::NoTranscript("no service".into())),
            ],
        };
        assert_eq!(
            score_interview(&interview).summary,
            format!(
                "Rubric match: the answers mention 0 of 1 key point across 1 question. 1 question was not \
                 answered. 2 video answers without transcript not scored.{CAVEAT}"
            )
        );
    }

    #[test]
    fn the_summary_of_fully_answered_interviews_has_no_missing_answers() {
        let interview = InterviewForScoring { job_title: "Engineer".into(), questions: vec![words_only(1, 40)] };
        assert_eq!(
            score_interview(&interview).summary,
            format!("Rubric match: the answers mention 0 of 0 key points across 1 question.{CAVEAT}")
        );
    }

    fn value_of(question: &QuestionForScoring) -> f64 {
        score_answer(question).value.unwrap()
    }

    #[test]
    fn typed_answers_get_full_completeness_at_20_words_a_minute() {
        assert_eq!(value_of(&words_only(1, 20)), 0.5, "2 minutes allow 80 words; 40 are full marks");
        assert_eq!(value_of(&words_only(1, 40)), 1.0);
        assert_eq!(value_of(&words_only(1, 400)), 1.0, "no more than full marks");
    }

    #[test]
    fn spoken_answers_get_full_completeness_at_65_words_a_minute() {
        let spoken = |words: usize| question(1, "video", 60, &[], AnswerContent::Transcribed("word ".repeat(words)));
        assert_eq!(value_of(&spoken(13)), 0.2);
        assert_eq!(value_of(&spoken(65)), 1.0);
    }

    #[test]
    fn answer_times_under_ten_seconds_count_as_ten() {
        let instant = question(1, "text", 0, &[], AnswerContent::Typed("word ".repeat(2)));
        assert!((value_of(&instant) - 0.6).abs() < 1e-9, "10 s allow 6⅔ words; full marks at 3⅓");
    }

    #[test]
    fn key_points_weigh_three_quarters_and_completeness_one_quarter() {
        let answer = format!("I stay kind. {}", "word ".repeat(17));
        let half = question(1, "text", 120, &["kindness", "tests"], AnswerContent::Typed(answer));
        // 0.75 × 1/2 of the key points + 0.25 × 20 of 40 words.
        assert!((value_of(&half) - 0.5).abs() < 1e-9, "{}", value_of(&half));
        assert_eq!(score_answer(&half).result.score, Some(3));
    }

    #[test]
    fn the_length_is_judged_against_the_words_the_time_allows() {
        // 2 minutes of typing allow 80 words.
        for (words, length) in
            [(19, "very short"), (20, "short"), (39, "short"), (40, "complete"), (120, "complete"), (121, "long")]
        {
            let reason = score_answer(&words_only(1, words)).result.reason;
            assert!(reason.ends_with(&format!(" {words} words: {length} for 2 min of answer time.")), "{reason}");
        }
    }

    #[test]
    fn an_answer_time_of_whole_minutes_is_given_in_minutes_else_in_seconds() {
        let reason = |seconds| score_answer(&question(1, "text", seconds, &[], AnswerContent::Typed("Word".into())));
        assert!(reason(180).result.reason.ends_with("1 word: very short for 3 min of answer time."));
        assert!(reason(90).result.reason.ends_with("1 word: very short for 90 s of answer time."));
    }

    #[test]
    fn videos_without_transcript_are_not_scored() {
        let interview = InterviewForScoring {
            job_title: "Engineer".into(),
            questions: vec![question(
                1,
                "video",
                120,
                &["tests"],
                AnswerContent::NoTranscript("no transcription service is configured".into()),
            )],
        };
        let card = score_interview(&interview);
        assert_eq!(card.answers[0].score, None);
        assert_eq!(card.overall_score, None);
        assert_eq!(card.recommendation, None);
        assert!(card.summary.contains("no answer could be scored"));
    }
}
