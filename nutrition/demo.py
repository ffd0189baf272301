"""Demo content for nutrition (used by `manage.py seed_demo`). The demo registry discovers
this module; each part of the domain keeps its seeder in its own module, imported here so
its `@demo_seeder` registers."""

from . import demo_habits, demo_logs, demo_plans

__all__ = ["demo_habits", "demo_logs", "demo_plans"]
