"""The graders' models: features, the pure-Python replay against scikit-learn, the cache key and the entry point."""
import os
import shutil
import subprocess
import sys

import pytest

from foundation.paths import REPO_ROOT
from scoring.dataset import ENGINEER_PASS, LabelledReply, load_split
from scoring.linear import heads_from_sklearn, text_features
from scoring.training import HEADS, _shared_vocabulary, data_key, live_grader, reading_of


def test_numbers_share_one_shape_and_words_make_bigrams():
    assert text_features("pay 1,500 today") == text_features("pay 800 today")
    features = text_features("pay 1,500 by Friday", ["r:harassment"])
    assert " 0 " in features and "b:pay by" in features and "b:by friday" in features
    assert features["r:harassment"] == 1
    assert "老" in text_features("老板")  # single CJK characters count


def test_word_trigrams_keep_a_phrase_whole():
    # "your manager is the next call I make": every bigram is common, the phrase is the threat.
    features = text_features("Your manager is the next call I make.")
    assert "w3:is the next" in features and "w3:the next call" in features and "w3:next call i" in features
    assert not any(feature.startswith("w3:") for feature in text_features("call me"))


def test_replay_matches_sklearn():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    records = load_split("test")
    counts = [text_features(record.text) for record in records]
    vectoriser = TfidfVectorizer(analyzer=lambda c: list(c.elements()), sublinear_tf=True, min_df=2, lowercase=False)
    matrix = vectoriser.fit_transform(counts)
    labels = [bool(record.violations) for record in records]
    model = LogisticRegression(C=8.0, solver="liblinear").fit(matrix, labels)
    heads = heads_from_sklearn(("violation",), vectoriser.vocabulary_, vectoriser.idf_, [model.coef_[0]], [model.intercept_[0]])
    expected = model.predict_proba(matrix)[:, 1]
    for count, probability in zip(counts, expected):
        assert heads.probabilities(count)["violation"] == pytest.approx(probability, abs=1e-9)


def test_only_words_several_authors_use_are_learnt_except_the_engineers():
    def reply(text, author):
        return LabelledReply(id=f"{author}-1", lang="en", text=text, violations=(), nvc=(), polarity=0, author=author)

    records = [reply("pay the balance today", "s01"), reply("pay the balance by friday", "s02"),
               reply("pay the balance, mate", "s03"), reply("cheerio, pay the balance", "s04"),
               reply("mind the brick", ENGINEER_PASS)]
    readings = [reading_of(record) for record in records]
    vocabulary = set(_shared_vocabulary(readings, [record.author for record in records]))
    assert "w:balance" in vocabulary and "b:the balance" in vocabulary  # four authors
    assert "w:friday" not in vocabulary and "w:cheerio" not in vocabulary  # one author's word
    assert "w:brick" in vocabulary  # the engineer's hard negatives are learnt as written
    # Fewer authors than the rule asks for: every feature they share counts.
    two = set(_shared_vocabulary(readings[:2], ["s01", "s02"]))
    assert "w:balance" in two and "w:friday" not in two


def test_shipped_grader_is_cached_per_process_and_complete():
    grader = live_grader()
    assert grader is live_grader()
    assert grader.heads.heads == HEADS
    for decision in ("violation", "observation", "feeling", "need", "request", "escalating", "calming"):
        for lang in ("zh", "en"):
            assert 0.0 < grader.thresholds[f"{decision}:{lang}"] < 1.0


def test_cache_key_changes_with_the_data():
    records = load_split("test")
    assert data_key(records) == data_key(list(records))
    assert data_key(records) != data_key(records[1:])


def test_cache_key_follows_what_the_rule_files_feed_the_features(tmp_path, monkeypatch):
    """A team that rewrites a citation keeps its fitted graders; one that changes a pattern refits."""
    records = load_split("test")
    shipped = data_key(records)
    rules = tmp_path / "data" / "rules"
    shutil.copytree(REPO_ROOT / "data" / "rules", rules)
    monkeypatch.setenv("DOJO_DATA_DIR", str(tmp_path / "data"))
    assert data_key(records) == shipped
    pack = rules / "cn.yml"
    text = pack.read_text(encoding="utf-8")
    citation = "《商业银行信用卡业务监督管理办法》第六十八条：不得采用暴力、胁迫、恐吓手段催收"
    pack.write_text(text.replace(citation, "本团队合规手册 第 3.1 条") + "# a team's comment\n", encoding="utf-8")
    assert data_key(records) == shipped, "a citation and a comment are no feature"
    lexicon = rules / "lexicon.yml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("  violence_zh:\n", "  violence_zh:\n    - 揍你一顿\n", 1),
                       encoding="utf-8")
    assert data_key(records) != shipped, "an evidence pattern is read as a feature (r:<category>)"


def test_the_entry_point_names_the_cached_shipped_grader_and_make_run_waits_for_no_fold():
    """`python -m scoring.training` (what `make run` calls) loads or fits the shipped grader only."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, "-m", "scoring.training"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"grader-{live_grader().key}.pickle" in done.stdout and "var/cache/scoring/" in done.stdout
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    run_block = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]  # the prerequisites and the recipe
    run_block = "\n".join(line.split("##")[0] for line in run_block.splitlines())
    assert "grader" in run_block and "scoring-model" not in run_block


def test_a_fold_reuses_the_whole_sets_other_half_and_gets_the_same_grader(monkeypatch):
    """Leave-one-author-out fits skip the inner model they share with the grader of every pass;
    the grader must come out the same number for number, or the figures would depend on fit order."""
    import scoring.training as training
    from scoring.dataset import load_passes

    # s01 and s02 fall in one half, s05 and s06 in the other; 60 replies each keeps the fits small.
    records = [record for name in ("s01", "s02", "s05", "s06") for record in load_passes([name])[:60]]
    assert {training._half(name) for name in ("s01", "s02")} != {training._half(name) for name in ("s05", "s06")}
    fold = [record for record in records if record.author != "s01"]
    fits = []
    real_fit_heads = training._fit_heads
    monkeypatch.setattr(training, "_fit_heads", lambda *args: fits.append(len(args[3])) or real_fit_heads(*args))
    monkeypatch.setattr(training, "_shared_out_of_fold", {})

    alone = training.fit_grader(fold)
    assert len(fits) == 3  # both halves, then every reply
    training.share_out_of_fold(training.fit_grader(records), records)
    fits.clear()
    shared = training.fit_grader(fold)
    assert fits == [60, 180]  # only the model fitted on s02 (for s05 and s06), then every reply
    assert shared.out_of_fold == alone.out_of_fold
    assert shared.thresholds == alone.thresholds
    assert shared.heads == alone.heads


def test_a_fit_runs_blas_on_one_thread():
    """Spinning BLAS threads cost a fit half its CPU time and made the weights depend on the core count.

    In a fresh process, so the BLAS libraries load the way they do in `make scoring-model`: a limit set
    before sklearn loaded scipy's OpenBLAS missed it and the fit still spun.
    """
    code = """
import scoring.training as training
from threadpoolctl import threadpool_info
seen = []
real = training._fit_binary
def fit_binary(*args):
    seen.append([pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"])
    return real(*args)
training._fit_binary = fit_binary
from scoring.dataset import load_passes
training.fit_grader([r for name in ("s01", "s02", "s05", "s06") for r in load_passes([name])[:60]])
print(seen[0], len(seen))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    threads, fits = result.stdout.split("] ")
    assert threads.strip("[") and set(threads.strip("[").split(", ")) == {"1"}, result.stdout
    assert int(fits) > 0
