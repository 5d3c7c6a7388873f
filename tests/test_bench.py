"""A smoke run of the benchmark: tiny inbox, tiny model, one worker, every phase but Prefect."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench
import benchwork

_TRAINING = {
    "形式主义": ["会议太多，一周开五六个会", "文件照抄照转，没有具体措施", "检查评比过多",
             "调研走过场，只看盆景", "重留痕轻实效，台账一大摞", "材料堆成山，汇报讲得好"],
    "官僚主义": ["门难进脸难看事难办", "推诿扯皮，群众来回跑", "领导一言堂，拍脑袋决策",
             "来信长期不回复", "高高在上，脱离群众", "办事拖拉，层层设卡"],
    "享乐主义": ["上班时间玩游戏炒股", "迟到早退现象突出", "安于现状，不思进取",
             "工作日中午饮酒", "拈轻怕重，不愿去艰苦地方", "精神懈怠，得过且过"],
    "奢靡之风": ["公款吃喝，超标准接待", "超标准配备公务用车", "逢年过节收送购物卡",
             "办公用房面积超标", "大操大办婚丧喜事", "高档烟酒和会所消费"],
    "其他": ["食堂饭菜价格偏高", "希望增加停车位", "会议室投影仪坏了",
           "卫生间漏水请维修", "建议增加业务培训", "办公电脑太旧需要更新"],
}


@pytest.fixture
def tiny_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model trained in a second on a few lines, so workers load it fast (env reaches them)."""
    training = tmp_path / "training"
    training.mkdir()
    with (training / "tiny.jsonl").open("w", encoding="utf-8") as fh:
        for label, texts in _TRAINING.items():
            for text in texts:
                fh.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
    model = tmp_path / "model" / "classifier.skops"
    monkeypatch.setenv("DOCPIPE_TRAINING_DIR", str(training))
    monkeypatch.setenv("DOCPIPE_MODEL", str(model))
    monkeypatch.setenv("DOCPIPE_HELDOUT_DIR", str(tmp_path / "no-heldout"))
    return model


@pytest.fixture(autouse=True)
def _fresh_worker_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """With one worker the benchmark's worker state lives in this process: reset it after."""
    monkeypatch.setattr(benchwork, "_worker", {})


def test_smoke_run_writes_results_with_every_stage(tmp_path: Path, tiny_model: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results"
    code = bench.main(["--sizes", "20", "--repeat", "1", "--prefect", "none", "--workers", "1",
                       "--units", "3", "--batch-size", "8", "--work", str(tmp_path / "work"),
                       "--results", str(results), "--name", "smoke"])
    assert code == 0
    data = json.loads((results / "smoke.json").read_text("utf-8"))
    (run,) = data["runs"]
    pipe = run["pipeline"]
    assert run["documents"] == pipe["documents"] == 20
    assert pipe["items"] > 0 and pipe["chars"] > 0 and pipe["rejected"] == 0
    stages = {row["stage"] for row in pipe["stages"]}
    assert set(benchwork.STAGES) | {"scan", "plan", "catalog", "outputs"} <= stages
    assert pipe["peak_rss_mib"] > 0
    in_pool = sum(row["wall_s"] for row in pipe["stages"] if row["stage"] in benchwork.STAGES)
    assert in_pool <= pipe["wall_s"]
    assert {"python_docx", "reader", "jieba"} <= set(run["baselines"])
    # the reader and python-docx read the same documents; jieba cut the reader's text
    assert run["baselines"]["reader"]["units"] == run["baselines"]["python_docx"]["units"] == 20
    assert run["baselines"]["jieba"]["chars"] > 0.9 * run["baselines"]["reader"]["chars"] - 20 * 50
    assert run["rerun"]["up_to_date"] is True and run["rerun"]["todo"] == 0
    assert run["ratios"]["reader_vs_python_docx"] > 0
    out = capsys.readouterr().out
    assert "| read |" in out and "Scaling" in out


def test_rss_sampler_sees_this_process() -> None:
    with benchwork.RssSampler(interval=0.01) as rss:
        block = bytearray(32 * 2**20)
    assert rss.peak_kib >= 32 * 1024 and block
