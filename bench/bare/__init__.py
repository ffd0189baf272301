"""A bare Django + DRF project over Mecto's tables: the reference `bench/api.py` measures
Mecto against. Not part of the product: no tenancy, permissions, throttling or sessions; plain
ModelSerializers and DRF's page-number pagination over the same rows, as a project built with
the framework's defaults would serve them."""
