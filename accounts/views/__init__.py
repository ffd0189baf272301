"""Pages of accounts: for the business's team (its settings, the team and invitations,
switching business), the invitation link anyone invited opens, and the client's portal home.

One module per audience: `coach` (signed-in team members), `public` (the invitation link)
and `portal` (signed-in clients)."""
