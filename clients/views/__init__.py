"""Pages of the clients app: the coach's client records and their tabs, the intake form
builder, progress and metrics, photos, messages and CSV imports; the client's own messages
and progress in the portal; and the public intake pages.

One module per audience: coach pages in their topic modules (`records`, `intake`,
`progress`, `photos`, `messages`, `imports`), `portal` (signed-in clients) and `public`
(no login: intake links addressed by tokens). `_common` holds what the coach's and the
client's pages share."""
