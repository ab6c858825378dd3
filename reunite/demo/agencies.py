"""The agencies of Operation Rescue Me (from the seed press release), for the demo and tests."""

# (code, name, kind, ORI, parent code). The eleven agencies, then HSI's field offices.
SEED_AGENCIES = [
    ("HSI", "Homeland Security Investigations — El Paso", "federal_le", "", None),
    ("USMS", "U.S. Marshals Service — District of New Mexico", "federal_le", "", None),
    ("NMSP", "New Mexico State Police", "state_le", "", None),
    ("LCPD", "Las Cruces Police Department", "local_le", "", None),
    ("DASO", "Doña Ana County Sheriff's Office", "local_le", "", None),
    ("APD", "Anthony Police Department", "local_le", "", None),
    ("SPPD", "Sunland Park Police Department", "local_le", "", None),
    ("CYFD", "New Mexico Children, Youth and Families Department", "child_welfare", "", None),
    ("NCMEC", "National Center for Missing & Exploited Children", "clearinghouse", "", None),
    ("NMAGO", "New Mexico Attorney General's Office", "prosecutor", "", None),
    ("DELIVER", "Deliver Fund", "nonprofit", "", None),
    ("HSI-LC", "HSI Las Cruces", "federal_le", "", "HSI"),
    ("HSI-DEM", "HSI Deming", "federal_le", "", "HSI"),
]

LEAD_AGENCIES = ["HSI", "USMS"]
LOCAL_LIST_AGENCIES = ["LCPD", "DASO", "APD", "SPPD"]


def create_seed_agencies():
    from reunite.agencies.models import Agency
    from reunite.agencies.services import create_agency

    created = []
    for code, name, kind, ori, parent in SEED_AGENCIES:
        existing = Agency.objects.filter(code=code).first()
        created.append(
            existing or create_agency(code=code, name=name, kind=kind, ori=ori, parent=parent)
        )
    return created
