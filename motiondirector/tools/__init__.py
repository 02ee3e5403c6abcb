"""Tools for agents: plain functions with pydantic arguments and small results over the parts of
motiondirector (rendering, planning, retrieval), and LangChain tools built on them."""
