"""Every figure computed from roster answers goes through the disclosure ledger (docs/design.md, privacy).

`tandem.disclosure.ledger` refuses a figure whose scope can still change, or whose population
differs by 1 to k − 1 people from one already shown for the same scope and measure. For networks
the scope is the wave (`surveys.selectors.wave_scope`: frozen once it has closed), the measure
`roster:<relation id>` (one per relation), and a population is the **roster respondents** whose
answers enter the figure: people who submitted and named at least one colleague. Sponsors who were
not invited are nodes of the network but answered nothing, so they are in no population.

Per wave and relation, in this order of precedence (`NetworkFigures.decide` adds them so,
whatever order a page asks in):

1. the wave's indices — the overview's table, the API, the reports' network section — over all of
   the wave's roster respondents;
2. the change between two waves (`network_change`, and the sentences that quote each wave's
   indices): one piece per wave over the people matched across them, plus each wave's own
   respondents (the sentences quote its indices, so they are hidden whenever those are);
3. maps, the pair-tie table and the locality matrix, which leave out the people
   `selectors.singled_out` finds, over the respondents less those left out; the ties gained and
   lost drawn on a map over the matched people less those left out.

So a change over 15 matched people beside a wave's indices over 17 is hidden, as is a map that
leaves 2 people out of indices over 20: either pair would give away the few people between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tandem.disclosure.ledger import Decisions, Disclosure, Piece, piece
from tandem.programmes.models import Programme

if TYPE_CHECKING:  # pragma: no cover
    from tandem.networks.selectors import WaveNetworks

# (what the figure is, the waves it is drawn from, the relation)
FigureKey = tuple[str, tuple[int, ...], str]

INDICES = "indices"
CHANGE = "change"
MAP = "map"
MAP_CHANGE = "map_change"
PAIRS = "pairs"
LOCALITIES = "localities"


def roster_measure(relation_id: str) -> str:
    return f"roster:{relation_id}"


def index_key(data: WaveNetworks, relation_id: str) -> FigureKey:
    return (INDICES, (data.wave.pk,), relation_id)


def matched_people(
    first: WaveNetworks, second: WaveNetworks, left_out: Iterable[str] = ()
) -> tuple[frozenset[int], frozenset[int]]:
    """Per wave, the respondents whose answers enter a change: those in both networks.

    `network_change` compares the people present in both waves; in each wave only the
    respondents among them contributed answers (ties they named). `left_out` are codes drawn on
    no map.
    """
    hidden = set(left_out)
    both = {
        first.participant_of[code]
        for code in first.participant_of.keys() & second.participant_of.keys()
        if code not in hidden
    }
    return first.respondent_ids & both, second.respondent_ids & both


def respondents_less(data: WaveNetworks, left_out: Iterable[str]) -> frozenset[int]:
    """The wave's respondents less the people (codes) left off a map or table."""
    hidden = {data.participant_of[code] for code in left_out if code in data.participant_of}
    return data.respondent_ids - hidden


class NetworkFigures:
    """The network figures one page (or PDF, or API answer) is about to show, decided together.

    Register what the page shows, then `decide()`; a figure is shown only if
    `decisions.shown(key)`, else hidden with `decisions.reason(key)`. Each wave's indices are
    registered first (by every method here), so that a derived figure never takes precedence
    over the wave's own, whichever page is read first.
    """

    def __init__(self, *, programme: Programme, surface: str) -> None:
        self.programme = programme
        self.surface = surface
        self._primary: dict[FigureKey, tuple[Piece, ...]] = {}
        self._derived: dict[FigureKey, tuple[Piece, ...]] = {}

    def indices(self, data: WaveNetworks) -> None:
        for relation in data.relations:
            self._primary.setdefault(
                index_key(data, relation.id),
                (piece(data.scope, roster_measure(relation.id), data.respondent_ids),),
            )

    def change(self, first: WaveNetworks, second: WaveNetworks, relation_id: str) -> FigureKey:
        """The change from `first` to `second` on one relation (indices of both, matched people)."""
        self.indices(first)
        self.indices(second)
        one, two = matched_people(first, second)
        measure = roster_measure(relation_id)
        key = (CHANGE, (first.wave.pk, second.wave.pk), relation_id)
        self._derived[key] = (
            piece(first.scope, measure, first.respondent_ids),
            piece(second.scope, measure, second.respondent_ids),
            piece(first.scope, measure, one),
            piece(second.scope, measure, two),
        )
        return key

    def drawn(
        self, kind: str, data: WaveNetworks, relation_id: str, left_out: Iterable[str]
    ) -> FigureKey:
        """A map, pair-tie table or locality matrix of one wave, which leaves `left_out` out."""
        self.indices(data)
        key = (kind, (data.wave.pk,), relation_id)
        self._derived[key] = (
            piece(data.scope, roster_measure(relation_id), respondents_less(data, left_out)),
        )
        return key

    def map_change(
        self,
        first: WaveNetworks,
        second: WaveNetworks,
        relation_id: str,
        left_out: Iterable[str],
    ) -> FigureKey:
        """The ties gained and lost drawn on the later map, among people drawn on both."""
        self.indices(first)
        self.indices(second)
        one, two = matched_people(first, second, left_out)
        measure = roster_measure(relation_id)
        key = (MAP_CHANGE, (first.wave.pk, second.wave.pk), relation_id)
        self._derived[key] = (piece(first.scope, measure, one), piece(second.scope, measure, two))
        return key

    def decide(self) -> Decisions:
        disclosure = Disclosure(programme=self.programme, surface=self.surface)
        for figures in (self._primary, self._derived):
            for key, pieces in figures.items():
                disclosure.add(key, *pieces)
        return disclosure.decide()
