"""One process planning for many callers at once: the shared planner, its emotion classifier
and the per-word caches give every thread the plan it would get alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from motiondirector.realize import plan_text

SCRIPTS = [
    "ANA: Did you take my key?\nBEN: (nervously) No. I swear I did not.",
    "MIA: We won! We actually won the whole thing!\nLEO: I cannot believe it.",
    "KAI: Get out. Now.\nSUE: (crying) Please, just listen to me for once.",
    "ANA: Where were you all night?\nBEN: At the lab. The experiment ran late.",
    "TOM: That smell is disgusting.\nEVA: (laughing) It is your cooking, Tom.",
    "ZED: Is anyone there? Hello?\nAMY: (whispering) Stay quiet. They will hear you.",
    "RAY: One, two, three, and lift!\nJO: It will not move. Not an inch.",
    "LIZ: I am so sorry for your loss.\nDAN: Thank you. He loved this garden.",
]


def test_plans_made_on_many_threads_are_the_plans_made_alone() -> None:
    work = [(n % len(SCRIPTS), SCRIPTS[n % len(SCRIPTS)]) for n in range(3 * len(SCRIPTS))]
    # Threads first: in a fresh process they also race to load the tables and models.
    with ThreadPoolExecutor(12) as pool:
        together = list(
            pool.map(lambda job: plan_text(job[1], format="text", seed=job[0]).to_json(), work)
        )
    alone = [plan_text(script, format="text", seed=n).to_json() for n, script in enumerate(SCRIPTS)]
    assert together == [alone[n] for n, _ in work]
