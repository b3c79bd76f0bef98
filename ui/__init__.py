"""The Streamlit pages and widgets of the app."""
