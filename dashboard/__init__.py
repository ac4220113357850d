"""The chess dashboard: Streamlit pages over the mart (``chess_analytics``), `make dashboard`."""
