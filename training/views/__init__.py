"""Pages of the training app for coaches: the exercise library, programs and the builder,
draft generation, and each client's training page; and the client's workouts in the portal.

One module per audience: `coach` (signed-in team members) and `portal` (signed-in clients)."""
