"""Pages of the clients app (coach side and the public intake pages)."""
