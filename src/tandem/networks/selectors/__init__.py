"""Reads for working-relationship networks: every permission rule of the networks app is in this
package (`permissions` states who may analyse; `ego` who has an own network page).

Who sees what (docs/design.md, privacy model):
- the programme lead and sponsors see pseudonymised maps, pair ties and indices — nobody is named,
  people are shown as codes such as "P07" with as much of their profession and level as at
  least k people share (`map_rules`), and no tie's strength is shown anywhere. The lead sees
  every closed wave (its scope frozen: `surveys.selectors.wave_scope`); sponsors only waves whose
  report has been released. Every figure passes through the disclosure ledger
  (`tandem.networks.ledger`), which hides, with the reason, any whose population differs by 1 to
  k − 1 people from one already shown;
- a participant sees their own ego-network: only the ties they reported themselves, with names,
  and how many of those colleagues confirmed the tie — never who named them (that would show other
  people's answers). Every read of an ego-network is audited;
- coaches and everyone else see nothing here.

Networks are built from submitted responses only ("saved but not counted" until then, as the
respondent is told). Nodes are the people who submitted the roster, plus sponsors who were not
invited to answer (so that ties to executives — linking — can be seen); people who were invited
but did not answer are left out with their incoming ties, because only one side of those ties is
known.
"""

# The rule above is applied in these modules; callers import from `tandem.networks.selectors`.
from tandem.networks.roster import ROSTER
from tandem.networks.selectors.building import (
    ROSTER_ROLES,
    WaveNetworks,
    closed_roster_waves,
    own_roster_entries,
    profession_label,
    pseudonyms,
    roster_members,
    roster_section_of,
    shared_builds,
    wave_networks,
)
from tandem.networks.selectors.ego import EgoNetwork, EgoTie, EgoWave, ego_network
from tandem.networks.selectors.indices import (
    GROUP,
    LEVEL,
    PERMUTATIONS,
    STEADY,
    ChangeFacts,
    NetworkOverview,
    RelationChange,
    RelationIndices,
    WaveIndices,
    change_facts,
    change_sentences,
    describe_change,
    network_overview,
    wave_indices,
)
from tandem.networks.selectors.map_rules import (
    SHOWN_ATTRIBUTES,
    MapRules,
    map_network,
    map_rules,
    singled_out,
    without,
)
from tandem.networks.selectors.maps import MapData, MapPerson, map_elements, network_map
from tandem.networks.selectors.permissions import (
    NetworkNotAvailable,
    can_see_networks,
    network_wave_for,
    network_waves,
    require_analyst,
)
from tandem.networks.selectors.ties import (
    ALL_LOCALITIES,
    OTHER_LOCALITIES,
    LocalityMatrix,
    MatrixCell,
    PairRow,
    PairTie,
    PairTiesView,
    locality_matrix,
    pair_tie_rows,
    pair_ties_for,
)

__all__ = [
    "ALL_LOCALITIES",
    "GROUP",
    "LEVEL",
    "OTHER_LOCALITIES",
    "PERMUTATIONS",
    "ROSTER",
    "ROSTER_ROLES",
    "SHOWN_ATTRIBUTES",
    "STEADY",
    "ChangeFacts",
    "EgoNetwork",
    "EgoTie",
    "EgoWave",
    "LocalityMatrix",
    "MapData",
    "MapPerson",
    "MapRules",
    "MatrixCell",
    "NetworkNotAvailable",
    "NetworkOverview",
    "PairRow",
    "PairTie",
    "PairTiesView",
    "RelationChange",
    "RelationIndices",
    "WaveIndices",
    "WaveNetworks",
    "can_see_networks",
    "change_facts",
    "change_sentences",
    "closed_roster_waves",
    "describe_change",
    "ego_network",
    "locality_matrix",
    "map_elements",
    "map_network",
    "map_rules",
    "network_map",
    "network_overview",
    "network_wave_for",
    "network_waves",
    "own_roster_entries",
    "pair_tie_rows",
    "pair_ties_for",
    "profession_label",
    "pseudonyms",
    "require_analyst",
    "roster_members",
    "roster_section_of",
    "shared_builds",
    "singled_out",
    "wave_indices",
    "wave_networks",
    "without",
]
